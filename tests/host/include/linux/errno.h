/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HOST_LINUX_ERRNO_H
#define _HOST_LINUX_ERRNO_H

/*
 * glibc's <errno.h> itself includes <linux/errno.h>, which resolves to this
 * file: take the numbers from the kernel's uapi header instead.
 */
#include <asm-generic/errno.h>

#endif
