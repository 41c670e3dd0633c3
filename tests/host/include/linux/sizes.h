/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HOST_LINUX_SIZES_H
#define _HOST_LINUX_SIZES_H

/* The kernel's values and types: up to 1 GiB they are int, as there. */
#define SZ_4K	0x00001000
#define SZ_2M	0x00200000
#define SZ_128M	0x08000000
#define SZ_256M	0x10000000
#define SZ_1G	0x40000000
#define SZ_4G	0x100000000ULL
#define SZ_1T	0x10000000000ULL

#endif
