/* display_d3dkmt.c - see display_d3dkmt.h. */
#include "display_d3dkmt.h"

#include <string.h>
#include <wchar.h>

typedef UINT vda_kmt_handle; /* D3DKMT_HANDLE */

typedef struct vda_kmt_open_gdi { /* D3DKMT_OPENADAPTERFROMGDIDISPLAYNAME */
  WCHAR DeviceName[32];
  vda_kmt_handle hAdapter;
  LUID AdapterLuid;
  UINT VidPnSourceId;
} vda_kmt_open_gdi;

typedef struct vda_kmt_escape { /* D3DKMT_ESCAPE */
  vda_kmt_handle hAdapter;
  vda_kmt_handle hDevice;
  UINT Type;  /* D3DKMT_ESCAPETYPE: D3DKMT_ESCAPE_DRIVERPRIVATE = 0 */
  UINT Flags; /* D3DDDI_ESCAPEFLAGS.Value */
  void *pPrivateDriverData;
  UINT PrivateDriverDataSize;
  vda_kmt_handle hContext;
} vda_kmt_escape;

typedef struct vda_kmt_close { /* D3DKMT_CLOSEADAPTER */
  vda_kmt_handle hAdapter;
} vda_kmt_close;

typedef LONG(WINAPI *open_fn)(vda_kmt_open_gdi *);
typedef LONG(WINAPI *escape_fn)(const vda_kmt_escape *);
typedef LONG(WINAPI *close_fn)(const vda_kmt_close *);

typedef struct thunks {
  open_fn open;
  escape_fn escape;
  close_fn close;
} thunks;

/* gdi32 is loaded by every GUI process: GetModuleHandle, no reference. */
static bool get_thunks(thunks *t)
{
  HMODULE gdi = GetModuleHandleW(L"gdi32.dll");
  memset(t, 0, sizeof(*t));
  if (gdi == NULL)
    return false;
  t->open = (open_fn)(void (*)(void))GetProcAddress(gdi, "D3DKMTOpenAdapterFromGdiDisplayName");
  t->escape = (escape_fn)(void (*)(void))GetProcAddress(gdi, "D3DKMTEscape");
  t->close = (close_fn)(void (*)(void))GetProcAddress(gdi, "D3DKMTCloseAdapter");
  return t->open != NULL && t->escape != NULL && t->close != NULL;
}

static bool open_gdi(const WCHAR *gdi_name, vda_escape_adapter *a, uint32_t *source,
                     const char **why)
{
  thunks t;
  vda_kmt_open_gdi o;
  LONG st;
  if (!get_thunks(&t)) {
    *why = "gdi32 has no D3DKMT functions (no WDDM)";
    return false;
  }
  memset(&o, 0, sizeof(o));
  wcsncpy(o.DeviceName, gdi_name, 31);
  st = t.open(&o);
  if (st != 0) {
    *why = "D3DKMTOpenAdapterFromGdiDisplayName failed (an XPDM driver?)";
    return false;
  }
  a->handle = o.hAdapter;
  if (source != NULL)
    *source = o.VidPnSourceId;
  a->luid = ((uint64_t)(uint32_t)o.AdapterLuid.HighPart << 32) | o.AdapterLuid.LowPart;
  return true;
}

static void close_adapter(const vda_escape_adapter *a)
{
  thunks t;
  vda_kmt_close c;
  if (!get_thunks(&t))
    return;
  c.hAdapter = a->handle;
  (void)t.close(&c);
}

bool vda_d3dkmt_adapter(const WCHAR *gdi_name, uint64_t *luid, uint32_t *source)
{
  vda_escape_adapter a;
  const char *why = NULL;
  if (!open_gdi(gdi_name, &a, source, &why))
    return false;
  *luid = a.luid;
  close_adapter(&a);
  return true;
}

static bool k_open(void *ctx, uint32_t device_index, vda_escape_adapter *a, const char **why)
{
  const vda_d3dkmt_names *n = ctx;
  if (device_index >= n->count) {
    *why = "display vanished since enumeration";
    return false;
  }
  return open_gdi(n->name[device_index], a, NULL, why);
}

static uint32_t k_escape(void *ctx, const vda_escape_adapter *a, const uint8_t *data, uint32_t size)
{
  thunks t;
  vda_kmt_escape e;
  uint8_t buf[64]; /* the driver may write back: never hand it our const */
  (void)ctx;
  if (!get_thunks(&t) || size > sizeof(buf))
    return VDA_STATUS_NOT_SUPPORTED;
  memcpy(buf, data, size);
  memset(&e, 0, sizeof(e));
  e.hAdapter = a->handle;
  e.Type = 0; /* D3DKMT_ESCAPE_DRIVERPRIVATE */
  e.pPrivateDriverData = buf;
  e.PrivateDriverDataSize = size;
  return (uint32_t)t.escape(&e);
}

static void k_close(void *ctx, const vda_escape_adapter *a)
{
  (void)ctx;
  close_adapter(a);
}

const vda_escape_ops vda_d3dkmt_ops = {k_open, k_escape, k_close};
