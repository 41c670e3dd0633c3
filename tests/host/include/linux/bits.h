/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HOST_LINUX_BITS_H
#define _HOST_LINUX_BITS_H

#define BIT_ULL(n)	(1ULL << (n))
#define BITS_PER_LONG	(8 * (int)sizeof(long))

#endif
