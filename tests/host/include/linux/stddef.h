/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for the kernel's <linux/stddef.h>, for tests/host. */
#ifndef _HOST_LINUX_STDDEF_H
#define _HOST_LINUX_STDDEF_H

#include <stddef.h>

#endif
