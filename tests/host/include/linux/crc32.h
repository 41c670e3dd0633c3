/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HOST_LINUX_CRC32_H
#define _HOST_LINUX_CRC32_H

#include <linux/types.h>

/* Same result as lib/crc32.c: CRC-32C (Castagnoli), reflected, no final xor. */
u32 __crc32c_le(u32 crc, unsigned char const *p, size_t len);

#endif
