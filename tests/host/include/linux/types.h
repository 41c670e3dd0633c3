/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for the kernel's <linux/types.h>, for tests/host. */
#ifndef _HOST_LINUX_TYPES_H
#define _HOST_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
/* As in the kernel (int-ll64.h), so that %llu matches u64. */
typedef unsigned long long u64;
typedef long long s64;
typedef uint32_t __le32;
typedef unsigned long long __le64;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define cpu_to_le32(x)	((__le32)(u32)(x))
#define cpu_to_le64(x)	((__le64)(u64)(x))
#else
#define cpu_to_le32(x)	((__le32)__builtin_bswap32((u32)(x)))
#define cpu_to_le64(x)	((__le64)__builtin_bswap64((u64)(x)))
#endif
#define le32_to_cpu(x)	((u32)cpu_to_le32(x))
#define le64_to_cpu(x)	((u64)cpu_to_le64(x))

#endif
