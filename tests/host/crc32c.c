// SPDX-License-Identifier: GPL-2.0
/*
 * Table-driven CRC-32C for the userspace build of the hand-over record:
 * the same function, with the same result, as the kernel's __crc32c_le()
 * (reflected polynomial 0x82f63b78, caller's seed, no final inversion).
 * Eight bytes per step with eight tables, like lib/crc32.c's default
 * (CRC_LE_BITS == 64), so that instruction counts of the host build are
 * close to the kernel's.
 */
#include <string.h>
#include <linux/crc32.h>

#define CRC32C_POLY_LE	0x82f63b78U

static u32 tab[8][256];

static void crc32c_init(void)
{
	u32 i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c >> 1) ^ (c & 1 ? CRC32C_POLY_LE : 0);
		tab[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++)
			tab[j][i] = (tab[j - 1][i] >> 8) ^
				    tab[0][tab[j - 1][i] & 0xff];
}

static u32 crc32c_byte(u32 crc, u8 b)
{
	return (crc >> 8) ^ tab[0][(crc ^ b) & 0xff];
}

u32 __crc32c_le(u32 crc, unsigned char const *p, size_t len)
{
	u32 lo, hi;

	if (!tab[0][1])
		crc32c_init();
	for (; len && ((uintptr_t)p & 7); len--)
		crc = crc32c_byte(crc, *p++);
	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&lo, p, 4);
		memcpy(&hi, p + 4, 4);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
		lo = __builtin_bswap32(lo);
		hi = __builtin_bswap32(hi);
#endif
		lo ^= crc;
		crc = tab[7][lo & 0xff] ^ tab[6][(lo >> 8) & 0xff] ^
		      tab[5][(lo >> 16) & 0xff] ^ tab[4][lo >> 24] ^
		      tab[3][hi & 0xff] ^ tab[2][(hi >> 8) & 0xff] ^
		      tab[1][(hi >> 16) & 0xff] ^ tab[0][hi >> 24];
	}
	while (len--)
		crc = crc32c_byte(crc, *p++);
	return crc;
}
