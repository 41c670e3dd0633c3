/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HOST_LINUX_COMPILER_ATTRIBUTES_H
#define _HOST_LINUX_COMPILER_ATTRIBUTES_H

#define __packed	__attribute__((__packed__))

#endif
