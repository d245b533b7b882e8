/* display_pci.h - the PCI location of a WDDM adapter, as a
 * GRAPHICS_DEVICE_INFO address (vda_display_pci.h): the adapter LUID gives
 * its device interface path (DisplayConfigGetDeviceInfo GET_ADAPTER_NAME),
 * that its device instance, and SetupAPI that device's
 * SPDRP_LOCATION_PATHS.  Identical GPUs stay apart (each instance has its
 * own path).  Under Wine 8 the chain stops early and the address stays
 * empty, so the other id rules apply - proven only by unit tests. */
#ifndef VDA_DISPLAY_PCI_WIN_H
#define VDA_DISPLAY_PCI_WIN_H

#include <stdbool.h>
#include <stdint.h>

#include "vda_display_plan.h"

/* out: "pci/0000/02.0", or "" when the location cannot be read. */
bool vda_display_pci_address(uint64_t luid, char out[VDA_DISPLAY_ADDR_MAX]);

#endif
