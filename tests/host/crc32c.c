// SPDX-License-Identifier: GPL-2.0
/*
 * Table-driven CRC-32C for the userspace build of the hand-over record:
 * the same function, with the same result, as the kernel's __crc32c_le()
 * (reflected polynomial 0x82f63b78, caller's seed, no final inversion).
 */
#include <linux/crc32.h>

#define CRC32C_POLY_LE	0x82f63b78U

static u32 crc32c_table[256];

static void crc32c_init(void)
{
	u32 i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c >> 1) ^ (c & 1 ? CRC32C_POLY_LE : 0);
		crc32c_table[i] = c;
	}
}

u32 __crc32c_le(u32 crc, unsigned char const *p, size_t len)
{
	if (!crc32c_table[1])
		crc32c_init();
	while (len--)
		crc = (crc >> 8) ^ crc32c_table[(crc ^ *p++) & 0xff];
	return crc;
}
