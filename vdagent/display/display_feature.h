/* The display and mouse features of the session agent (agent_feature.h).
 *
 * display: MONITORS_CONFIG, DISPLAY_CONFIG, GRAPHICS_DEVICE_INFO (and a REPLY
 *   from the host, which has no reason to send one: ignored, as by the
 *   reference agents); announces MONITORS_CONFIG, REPLY, DISPLAY_CONFIG,
 *   SPARSE_MONITORS_CONFIG, GRAPHICS_DEVICE_INFO. Work goes to the display
 *   worker thread; its REPLYs come back through the feature's event.
 * mouse: MOUSE_STATE, injected on the main thread with the worker's newest
 *   layout; announces MOUSE_STATE.
 * Both share the worker, so they start and stop together. */
#ifndef VDA_DISPLAY_FEATURE_H
#define VDA_DISPLAY_FEATURE_H

#include <stdbool.h>

#include "agent_feature.h"

typedef struct vda_display_feature vda_display_feature;

/* Describes both features into *display and *mouse (enabled: nothing in
 * the configuration turns them off); nothing runs yet. NULL when out of
 * memory. The feature structs must outlive the returned object. */
vda_display_feature *vda_display_feature_new(const vda_agent_env *env, vda_feature *display,
                                             vda_feature *mouse);
/* Starts the worker. False (logged): it did not start, and both features
 * are disabled. */
bool vda_display_feature_start(vda_display_feature *df);
/* Stops the worker if it runs; NULL is fine. */
void vda_display_feature_free(vda_display_feature *df);

#endif
