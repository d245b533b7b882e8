/* vda_display_pci.c - see vda_display_pci.h. */
#include "vda_display_pci.h"

#include <stdio.h>
#include <string.h>

static int hex(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* "<name>(<hex digits>)" at *p: the value, *p advanced; -1 when malformed. */
static long element(const char **p, const char *name, unsigned max_digits)
{
  size_t n = strlen(name);
  long v = 0;
  unsigned digits = 0;
  if (strncmp(*p, name, n) != 0 || (*p)[n] != '(')
    return -1;
  *p += n + 1;
  for (; hex(**p) >= 0; (*p)++) {
    if (++digits > max_digits)
      return -1;
    v = v * 16 + hex(**p);
  }
  if (digits == 0 || **p != ')')
    return -1;
  (*p)++;
  return v;
}

bool vda_pci_address_from_location(const char *location, char out[VDA_DISPLAY_ADDR_MAX],
                                   const char **why)
{
  const char *p = location;
  size_t used;
  long root;
  int levels = 0;
  out[0] = '\0';
  root = p ? element(&p, "PCIROOT", 4) : -1;
  if (root < 0) {
    *why = "not a PCIROOT(...) location path";
    return false;
  }
  used = (size_t)snprintf(out, VDA_DISPLAY_ADDR_MAX, "pci/%04lx", root);
  while (*p == '#') {
    long sf;
    int w;
    p++;
    sf = element(&p, "PCI", 4);
    if (sf < 0) {
      *why = "a location element is not PCI(SSFF)";
      out[0] = '\0';
      return false;
    }
    w = snprintf(out + used, VDA_DISPLAY_ADDR_MAX - used, "/%02lx.%lx", (sf >> 8) & 0xff,
                 sf & 0xff);
    if (w < 0 || (size_t)w >= VDA_DISPLAY_ADDR_MAX - used) {
      *why = "the PCI path is too deep for a device address";
      out[0] = '\0';
      return false;
    }
    used += (size_t)w;
    levels++;
  }
  if (*p != '\0' || levels == 0) {
    *why = "trailing text or no PCI(...) element in the location path";
    out[0] = '\0';
    return false;
  }
  return true;
}
