/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HOST_LINUX_KERNEL_H
#define _HOST_LINUX_KERNEL_H

#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define min_t(t, a, b)		((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define sizeof_field(t, m)		sizeof(((t *)0)->m)
#define U32_MAX			((u32)~0U)
#define U64_MAX			((u64)~0ULL)

#endif
