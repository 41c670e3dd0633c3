// SPDX-License-Identifier: GPL-2.0
/*
 * lib/xarray.c built for userspace on the kernel's own test shims, without
 * XA_DEBUG: the store stock KVM keeps memory attributes in.
 */
#include "shared.h"

#include "../../../lib/xarray.c"
