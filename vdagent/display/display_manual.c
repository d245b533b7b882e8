/* display_manual.c - see display_manual.h. */
#include "display_manual.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "display_win.h"
#include "log.h"
#include "vda_display_apply.h"
#include "vda_display_manual.h"

/* A GUI-subsystem exe has no console of its own: write to the inherited
 * stdout (redirected), else to the console of whoever started us. */
static void say(const char *line)
{
  HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
  DWORD n = 0;
  bool opened = false;
  if ((out == NULL || out == INVALID_HANDLE_VALUE) && AttachConsole(ATTACH_PARENT_PROCESS)) {
    out = CreateFileW(L"CONOUT$", GENERIC_WRITE, FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    opened = out != INVALID_HANDLE_VALUE;
  }
  if (out != NULL && out != INVALID_HANDLE_VALUE) {
    (void)WriteFile(out, line, (DWORD)strlen(line), &n, NULL);
    (void)WriteFile(out, "\r\n", 2, &n, NULL);
  }
  if (opened)
    CloseHandle(out);
}

/* The command line is wide; the syntax is ASCII digits, 'x' and ','. */
static bool to_ascii(const wchar_t *in, char *out, size_t cap)
{
  size_t i = 0;
  for (; in[i] != L'\0'; i++) {
    if (i + 1 >= cap || in[i] > 0x7e || in[i] < 0x20)
      return false;
    out[i] = (char)in[i];
  }
  out[i] = '\0';
  return true;
}

static void describe(const vda_display_result *res, char *buf, size_t cap)
{
  size_t used = 0;
  buf[0] = '\0';
  for (uint32_t k = 0; k < res->plan.count && used + 32 < cap; k++) {
    const vda_display_target *t = &res->plan.t[k];
    if (t->display_id < 0 || !t->enable)
      continue;
    used += (size_t)snprintf(buf + used, cap - used, "%s%ux%u", used ? "," : "",
                             (unsigned)t->mode.width, (unsigned)t->mode.height);
  }
}

int vda_display_manual_run(const wchar_t *spec)
{
  char text[16 * 12 + 1], got[16 * 12 + 1], line[512];
  vda_display_request *req = calloc(1, sizeof(*req));
  vda_display_result *res = calloc(1, sizeof(*res));
  vda_display_win *w = calloc(1, sizeof(*w));
  const char *why = "the text is not ASCII or too long";
  int rc = 1;

  if (req == NULL || res == NULL || w == NULL) {
    say("vdagent --resolution: out of memory");
  } else if (spec == NULL || !to_ascii(spec, text, sizeof(text)) ||
             !vda_display_request_from_text(text, req, &why)) {
    snprintf(line, sizeof(line), "vdagent --resolution WxH[,WxH...]: refused: %s", why);
    say(line);
    LOG_WARN("%s", line);
  } else {
    vda_display_win_init(w);
    vda_display_apply(&vda_display_win_ops, w, req, NULL, res);
    vda_display_win_release(w);
    describe(res, got, sizeof(got));
    if (res->success) {
      snprintf(line, sizeof(line), "resolution %s: applied", text);
      rc = 0;
    } else if (res->applied || res->plan.count > 0) {
      snprintf(line, sizeof(line), "resolution %s: the screen shows %s (%s)", text,
               got[0] ? got : "no change", res->why ? res->why : "not exact");
      rc = res->restored ? 1 : 2;
    } else {
      snprintf(line, sizeof(line), "resolution %s: not applied: %s", text,
               res->why ? res->why : "failed");
    }
    say(line);
    LOG_INFO("by hand: %s", line);
  }
  free(req);
  free(res);
  free(w);
  return rc;
}
