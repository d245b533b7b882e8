/*
 * vda_le.h - explicit little-endian loads and stores.
 *
 * Every multi-byte field of the SPICE agent protocol is little-endian and
 * unaligned (the wire structs are packed).  Reading them by casting a packed
 * struct pointer over a byte buffer is undefined behaviour on misaligned
 * addresses (UBSan flags it) and wrong on big-endian hosts, so all protocol
 * code in common/ goes through these helpers instead.  Compilers turn the
 * byte-wise forms into single loads on x86.
 */
#ifndef VDA_LE_H
#define VDA_LE_H

#include <stdint.h>

static inline uint16_t vda_le16(const uint8_t *p)
{
  return (uint16_t)((uint16_t)p[0] | (uint16_t)((uint16_t)p[1] << 8));
}

static inline uint32_t vda_le32(const uint8_t *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t vda_le64(const uint8_t *p)
{
  return (uint64_t)vda_le32(p) | ((uint64_t)vda_le32(p + 4) << 32);
}

static inline void vda_put_le16(uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}

static inline void vda_put_le32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static inline void vda_put_le64(uint8_t *p, uint64_t v)
{
  vda_put_le32(p, (uint32_t)v);
  vda_put_le32(p + 4, (uint32_t)(v >> 32));
}

#endif /* VDA_LE_H */
