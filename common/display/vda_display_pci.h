/*
 * vda_display_pci.h - a Windows PCI location path as a GRAPHICS_DEVICE_INFO
 * device address.
 *
 * QEMU names a display device by its PCI path from the root, one
 * "slot.function" per bridge level: "pci/0000/02.0", or "pci/0000/1c.0/00.0"
 * behind a bridge (qemu_console_fill_device_address; spice-server passes it
 * on in GRAPHICS_DEVICE_INFO).  Windows gives the same path in the device's
 * SPDRP_LOCATION_PATHS as "PCIROOT(0)#PCI(0200)" or
 * "PCIROOT(0)#PCI(1C00)#PCI(0000)" (PCI(SSFF): slot and function, hex).
 * Matching the two is how display channels find their guest adapters when
 * there are several GPUs (vda_display_plan.h, id rule 1).
 *
 * PCIROOT(n) becomes domain n.  QEMU's default host bridge is PCIROOT(0) =
 * domain 0000; an extra root (pxb) is a bus number, not a domain, and such
 * devices simply do not match (the other id rules apply).
 */
#ifndef VDA_DISPLAY_PCI_H
#define VDA_DISPLAY_PCI_H

#include <stdbool.h>

#include "vda_display_plan.h"

/* location: one of the strings of SPDRP_LOCATION_PATHS (ASCII).  false with
 * static *why when it is not a PCIROOT path or the result would not fit. */
bool vda_pci_address_from_location(const char *location, char out[VDA_DISPLAY_ADDR_MAX],
                                   const char **why);

#endif /* VDA_DISPLAY_PCI_H */
