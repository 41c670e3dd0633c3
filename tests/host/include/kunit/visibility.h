/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HOST_KUNIT_VISIBILITY_H
#define _HOST_KUNIT_VISIBILITY_H

#define EXPORT_SYMBOL_IF_KUNIT(sym)

#endif
