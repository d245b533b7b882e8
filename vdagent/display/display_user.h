/* display_user.h - the signed-in user's say over the resolution: the
 * per-user FollowClientWindow setting (common/win32/config.h), read from the
 * hive of the console session's user (the agent runs as LocalSystem, whose
 * own HKEY_CURRENT_USER is the system profile). */
#ifndef VDA_DISPLAY_USER_H
#define VDA_DISPLAY_USER_H

#include <stdbool.h>

/* true unless the user set FollowClientWindow to 0.  When the user's hive
 * cannot be opened, the process's own HKEY_CURRENT_USER is read (a by-hand
 * run as the user; Wine, where both are the same). */
bool vda_display_user_follows(void);
/* true unless the user set FollowClientDpi to 0. */
bool vda_display_user_follows_dpi(void);

#endif
