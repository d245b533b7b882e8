/* `vdservice install` / `vdservice uninstall`: registration with the SCM. */
#ifndef VDS_SERVICE_INSTALL_H
#define VDS_SERVICE_INSTALL_H

#define VDS_SERVICE_NAME L"spice-agent"
#define VDS_SERVICE_DISPLAY L"SPICE Agent"
#define VDS_SERVICE_DESCRIPTION                                                            \
  L"Connects this virtual machine to SPICE clients: display resolution, clipboard, mouse " \
  L"and file transfer."

/* Both return a process exit code (0 on success) and log what they did. */
int vds_install(void);
/* Restart-on-failure actions. `install` sets them; the running service sets
 * them again at start, because an MSI (wixl) cannot. */
void vds_apply_recovery(void);
int vds_uninstall(void);

#endif
