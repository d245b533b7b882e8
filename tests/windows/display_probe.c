/* display_probe.exe - what Wine tells a fresh process about the primary
 * display, for tests/e2e/display_outside.sh: one line
 *   "eds WxH monitor WxH"
 * (EnumDisplaySettingsEx ENUM_CURRENT_SETTINGS, then GetMonitorInfo of the
 * primary monitor).  A change made outside Wine (xrandr) reaches these only
 * once Wine's desktop process has seen the RandR event; the test waits for
 * it before asking the agent for a size. */
#include <stdio.h>
#include <string.h>
#include <windows.h>

int main(void)
{
  DEVMODEW dm;
  MONITORINFO mi;
  POINT origin = {0, 0};
  HMONITOR mon = MonitorFromPoint(origin, MONITOR_DEFAULTTOPRIMARY);
  memset(&dm, 0, sizeof(dm));
  dm.dmSize = sizeof(dm);
  memset(&mi, 0, sizeof(mi));
  mi.cbSize = sizeof(mi);
  if (!EnumDisplaySettingsExW(NULL, ENUM_CURRENT_SETTINGS, &dm, 0) || mon == NULL ||
      !GetMonitorInfoW(mon, &mi)) {
    fprintf(stderr, "display_probe: cannot read the display (error %lu)\n", GetLastError());
    return 1;
  }
  printf("eds %lux%lu monitor %ldx%ld\n", dm.dmPelsWidth, dm.dmPelsHeight,
         mi.rcMonitor.right - mi.rcMonitor.left, mi.rcMonitor.bottom - mi.rcMonitor.top);
  return 0;
}
