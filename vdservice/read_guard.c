#include "read_guard.h"

void vds_read_guard_reset(vds_read_guard *g)
{
  g->empty = 0;
}

bool vds_read_guard_empty(vds_read_guard *g)
{
  return ++g->empty > VDS_READ_GUARD_EMPTY_MAX;
}

void vds_read_guard_progress(vds_read_guard *g)
{
  g->empty = 0;
}

unsigned vds_read_guard_count(const vds_read_guard *g)
{
  return g->empty;
}
