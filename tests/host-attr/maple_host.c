// SPDX-License-Identifier: GPL-2.0
/*
 * lib/maple_tree.c built for userspace on the kernel's own test shims
 * (tools/testing/shared), without CONFIG_DEBUG_MAPLE_TREE, so that the
 * instructions counted are the production code's.
 */
#define MAPLE_32BIT (MAPLE_NODE_SLOTS > 31)
#include "shared.h"
#include <stdlib.h>
#include <time.h>
#include "linux/init.h"

#include "../../../lib/maple_tree.c"
