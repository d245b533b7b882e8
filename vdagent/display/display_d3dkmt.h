/*
 * display_d3dkmt.h - vda_escape_ops over gdi32's D3DKMT thunks.
 *
 * D3DKMTOpenAdapterFromGdiDisplayName(\\.\DISPLAYn) gives the WDDM adapter
 * handle and LUID of a GDI display; D3DKMTEscape(D3DKMT_ESCAPE_DRIVERPRIVATE)
 * hands the driver the bytes vda_display_escape.c builds;
 * D3DKMTCloseAdapter closes the handle.  The three are looked up in gdi32 at
 * run time (Debian's mingw-w64 has no d3dkmthk.h, and an XPDM-only Windows
 * may lack them), so the structs are declared here from the documented WDK
 * layout.  Under Wine 8 the open works and the escape answers
 * STATUS_NO_MEMORY.
 */
#ifndef VDA_DISPLAY_D3DKMT_H
#define VDA_DISPLAY_D3DKMT_H

#include <windows.h>

#include "vda_display_escape.h"

/* ctx: a vda_d3dkmt_names (the GDI names by device index). */
typedef struct vda_d3dkmt_names {
  uint32_t count;
  const WCHAR (*name)[32];
} vda_d3dkmt_names;

extern const vda_escape_ops vda_d3dkmt_ops;

/* The LUID of the adapter behind a GDI display and the display's VidPN
 * source id on it (its output index); false without WDDM. */
bool vda_d3dkmt_adapter(const WCHAR *gdi_name, uint64_t *luid, uint32_t *source);

#endif /* VDA_DISPLAY_D3DKMT_H */
