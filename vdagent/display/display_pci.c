/* display_pci.c - see display_pci.h. */
#include "display_pci.h"

#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <setupapi.h>

#include "log.h"
#include "vda_display_pci.h"

/* "\\?\PCI#VEN_1B36&DEV_0100&...#3&267a616a&0&10#{5b45201d-...}" ->
 * "PCI\VEN_1B36&DEV_0100&...\3&267a616a&0&10". */
static bool instance_of_path(const WCHAR *path, WCHAR *out, size_t cap)
{
  const WCHAR *start = path, *end;
  size_t n;
  if (wcsncmp(start, L"\\\\?\\", 4) == 0)
    start += 4;
  end = wcsrchr(start, L'#');
  if (end == NULL || end[1] != L'{')
    return false;
  n = (size_t)(end - start);
  if (n == 0 || n >= cap)
    return false;
  for (size_t i = 0; i < n; i++)
    out[i] = start[i] == L'#' ? L'\\' : start[i];
  out[n] = L'\0';
  return true;
}

static bool adapter_instance(uint64_t luid, WCHAR *out, size_t cap)
{
  DISPLAYCONFIG_ADAPTER_NAME an;
  memset(&an, 0, sizeof(an));
  an.header.type = DISPLAYCONFIG_DEVICE_INFO_GET_ADAPTER_NAME;
  an.header.size = sizeof(an);
  an.header.adapterId.LowPart = (DWORD)(luid & 0xffffffffu);
  an.header.adapterId.HighPart = (LONG)(luid >> 32);
  if (DisplayConfigGetDeviceInfo(&an.header) != ERROR_SUCCESS)
    return false;
  return instance_of_path(an.adapterDevicePath, out, cap);
}

/* The first PCIROOT string of the REG_MULTI_SZ, as an address. */
static bool address_of_paths(const WCHAR *multi, size_t chars, char out[VDA_DISPLAY_ADDR_MAX])
{
  const char *why = NULL;
  for (size_t i = 0; i < chars && multi[i] != L'\0';) {
    size_t len = wcsnlen(multi + i, chars - i);
    char ascii[128];
    bool ok = len < sizeof(ascii);
    for (size_t k = 0; ok && k < len; k++) {
      ok = multi[i + k] < 0x7f;
      ascii[k] = (char)multi[i + k];
    }
    if (ok) {
      ascii[len] = '\0';
      if (vda_pci_address_from_location(ascii, out, &why))
        return true;
    }
    i += len + 1;
  }
  return false;
}

bool vda_display_pci_address(uint64_t luid, char out[VDA_DISPLAY_ADDR_MAX])
{
  WCHAR instance[256];
  WCHAR paths[512];
  SP_DEVINFO_DATA info;
  HDEVINFO set;
  DWORD type = 0, size = 0;
  bool ok = false;
  out[0] = '\0';
  if (!adapter_instance(luid, instance, sizeof(instance) / sizeof(instance[0])))
    return false;
  set = SetupDiCreateDeviceInfoList(NULL, NULL);
  if (set == INVALID_HANDLE_VALUE)
    return false;
  memset(&info, 0, sizeof(info));
  info.cbSize = sizeof(info);
  memset(paths, 0, sizeof(paths));
  if (SetupDiOpenDeviceInfoW(set, instance, NULL, 0, &info) &&
      SetupDiGetDeviceRegistryPropertyW(set, &info, SPDRP_LOCATION_PATHS, &type, (BYTE *)paths,
                                        sizeof(paths) - 2 * sizeof(WCHAR), &size) &&
      type == REG_MULTI_SZ)
    ok = address_of_paths(paths, size / sizeof(WCHAR), out);
  SetupDiDestroyDeviceInfoList(set);
  if (ok)
    LOG_DEBUG("adapter %ls is at %s", instance, out);
  return ok;
}
