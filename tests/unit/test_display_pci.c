/* test_display_pci.c - SPDRP_LOCATION_PATHS -> GRAPHICS_DEVICE_INFO device
 * address, and display ids mapped through it with several GPUs. */
#include <string.h>

#include "vda_display_pci.h"
#include "vda_test.h"

static const char *why;

static void test_location_to_address(void)
{
  char a[VDA_DISPLAY_ADDR_MAX];
  CHECK_ACCEPTED(vda_pci_address_from_location("PCIROOT(0)#PCI(0200)", a, &why), why);
  CHECK(strcmp(a, "pci/0000/02.0") == 0);
  CHECK_ACCEPTED(vda_pci_address_from_location("PCIROOT(0)#PCI(1C03)#PCI(0000)", a, &why), why);
  CHECK(strcmp(a, "pci/0000/1c.3/00.0") == 0);
  CHECK_ACCEPTED(vda_pci_address_from_location("PCIROOT(1)#PCI(0a01)", a, &why), why);
  CHECK(strcmp(a, "pci/0001/0a.1") == 0);
}

static void test_location_refused(void)
{
  char a[VDA_DISPLAY_ADDR_MAX];
  static const char *bad[] = {"",
                              "ACPI(_SB_)#ACPI(PCI0)#ACPI(S10_)",
                              "PCIROOT(0)",
                              "PCIROOT()#PCI(0200)",
                              "PCIROOT(0)#PCI(02000)",
                              "PCIROOT(0)#PCI(0200)x",
                              "PCIROOT(0)#USB(1)",
                              "PCIROOT(0)#PCI(02G0)",
                              "PCIROOT(0#PCI(0200)"};
  char deep[512] = "PCIROOT(0)";
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    CHECK_REFUSED(vda_pci_address_from_location(bad[i], a, &why), why);
    CHECK_EQ(a[0], '\0');
  }
  CHECK_REFUSED(vda_pci_address_from_location(NULL, a, &why), why);
  for (int i = 0; i < 20; i++) /* 8 + 20 * 5 characters: too long */
    strcat(deep, "#PCI(0000)");
  CHECK_REFUSED(vda_pci_address_from_location(deep, a, &why), why);
}

static vda_guest_display *add(vda_display_set *s, vda_adapter_kind kind, const char *location,
                              uint32_t output)
{
  vda_guest_display *g = &s->d[s->count];
  memset(g, 0, sizeof(*g));
  g->device_index = s->count++;
  g->kind = kind;
  g->attached = true;
  g->output = output;
  g->current = (vda_mode){1024, 768, 32};
  if (location != NULL)
    CHECK_ACCEPTED(vda_pci_address_from_location(location, g->address, &why), why);
  return g;
}

/* A passed-through GPU enumerated first, then QXL with two outputs, then
 * virtio-gpu: the server's addresses pick exactly the right displays. */
static void test_ids_follow_pci_addresses(void)
{
  static vda_display_set s;
  static vda_display_idmap map;
  int32_t ids[VDA_DISPLAY_MAX];
  memset(&s, 0, sizeof(s));
  memset(&map, 0, sizeof(map));
  add(&s, VDA_ADAPTER_OTHER, "PCIROOT(0)#PCI(1C00)#PCI(0000)", 0); /* GPU: 0 */
  add(&s, VDA_ADAPTER_QXL, "PCIROOT(0)#PCI(0200)", 0);             /* QXL head 0: 1 */
  add(&s, VDA_ADAPTER_QXL, "PCIROOT(0)#PCI(0200)", 1);             /* QXL head 1: 2 */
  add(&s, VDA_ADAPTER_OTHER, "PCIROOT(0)#PCI(0300)", 0);           /* virtio-gpu: 3 */
  add(&s, VDA_ADAPTER_OTHER, NULL, 0);                             /* IDD, no PCI: 4 */
  map.count = 3;
  map.e[0] = (vda_display_idmap_entry){0, 0, "pci/0000/02.0"};
  map.e[1] = (vda_display_idmap_entry){1, 1, "pci/0000/02.0"};
  map.e[2] = (vda_display_idmap_entry){2, 0, "pci/0000/03.0"};
  vda_display_map_ids(&s, &map, ids);
  CHECK_EQ(ids[0], 1);
  CHECK_EQ(ids[1], 2);
  CHECK_EQ(ids[2], 3);
  for (uint32_t id = 3; id < VDA_DISPLAY_MAX; id++)
    CHECK(ids[id] != 0 && ids[id] != 4); /* GPU and IDD are never taken */
}

int main(void)
{
  RUN_TEST(test_location_to_address);
  RUN_TEST(test_location_refused);
  RUN_TEST(test_ids_follow_pci_addresses);
  return vda_test_report("test_display_pci");
}
