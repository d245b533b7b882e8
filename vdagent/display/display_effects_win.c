/* display_effects_win.c - see display_effects_win.h. */
#include "display_effects_win.h"

#include <string.h>

#define SPI_SESSION SPIF_SENDCHANGE /* never SPIF_UPDATEINIFILE: see header */

static bool get_wallpaper(vda_effects_win *w, uint32_t *v)
{
  WCHAR buf[VDA_WALLPAPER_PATH_MAX];
  if (!SystemParametersInfoW(SPI_GETDESKWALLPAPER, VDA_WALLPAPER_PATH_MAX, buf, 0))
    return false;
  buf[VDA_WALLPAPER_PATH_MAX - 1] = L'\0';
  memcpy(w->wallpaper, buf, sizeof(buf));
  *v = buf[0] != L'\0';
  return true;
}

static bool set_wallpaper(vda_effects_win *w, uint32_t v)
{
  static WCHAR none[] = L"";
  return SystemParametersInfoW(SPI_SETDESKWALLPAPER, 0, v ? w->wallpaper : none, SPI_SESSION) != 0;
}

static bool get_font(uint32_t *v)
{
  BOOL on = FALSE;
  UINT type = 0;
  if (!SystemParametersInfoW(SPI_GETFONTSMOOTHING, 0, &on, 0))
    return false;
  /* The type is optional (not every Windows knows it). */
  if (!SystemParametersInfoW(SPI_GETFONTSMOOTHINGTYPE, 0, &type, 0))
    type = 0;
  *v = (on ? 1u : 0u) | ((uint32_t)(type & 0xffu) << 1);
  return true;
}

static bool set_font(uint32_t v)
{
  UINT type = (v >> 1) & 0xffu;
  if (!SystemParametersInfoW(SPI_SETFONTSMOOTHING, v & 1u, NULL, SPI_SESSION))
    return false;
  if ((v & 1u) && type != 0)
    (void)SystemParametersInfoW(SPI_SETFONTSMOOTHINGTYPE, 0, (PVOID)(UINT_PTR)type, SPI_SESSION);
  return true;
}

static bool get_anim(uint32_t *v)
{
  ANIMATIONINFO ai = {sizeof(ai), 0};
  BOOL client = FALSE, ui = FALSE;
  if (!SystemParametersInfoW(SPI_GETANIMATION, sizeof(ai), &ai, 0))
    return false;
  (void)SystemParametersInfoW(SPI_GETCLIENTAREAANIMATION, 0, &client, 0);
  (void)SystemParametersInfoW(SPI_GETUIEFFECTS, 0, &ui, 0);
  *v = (ai.iMinAnimate ? 1u : 0u) | (client ? 2u : 0u) | (ui ? 4u : 0u);
  return true;
}

static bool set_anim(uint32_t v)
{
  ANIMATIONINFO ai = {sizeof(ai), (v & 1u) ? 1 : 0};
  bool ok = SystemParametersInfoW(SPI_SETANIMATION, sizeof(ai), &ai, SPI_SESSION) != 0;
  (void)SystemParametersInfoW(SPI_SETCLIENTAREAANIMATION, 0, (PVOID)(UINT_PTR)((v & 2u) != 0),
                              SPI_SESSION);
  (void)SystemParametersInfoW(SPI_SETUIEFFECTS, 0, (PVOID)(UINT_PTR)((v & 4u) != 0), SPI_SESSION);
  return ok;
}

static bool fx_get(void *ctx, vda_effect e, uint32_t *v)
{
  switch (e) {
  case VDA_EFFECT_WALLPAPER:
    return get_wallpaper(ctx, v);
  case VDA_EFFECT_FONT_SMOOTH:
    return get_font(v);
  case VDA_EFFECT_ANIMATION:
    return get_anim(v);
  default:
    return false;
  }
}

static bool fx_set(void *ctx, vda_effect e, uint32_t v)
{
  switch (e) {
  case VDA_EFFECT_WALLPAPER:
    return set_wallpaper(ctx, v);
  case VDA_EFFECT_FONT_SMOOTH:
    return set_font(v);
  case VDA_EFFECT_ANIMATION:
    return set_anim(v);
  default:
    return false;
  }
}

const vda_effects_ops vda_effects_win_ops = {fx_get, fx_set};
