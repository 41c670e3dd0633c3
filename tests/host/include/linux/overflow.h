/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HOST_LINUX_OVERFLOW_H
#define _HOST_LINUX_OVERFLOW_H

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

/* Same contract as the kernel's: true if (a << s) loses bits or s >= width. */
#define check_shl_overflow(a, s, d) ({					\
	__typeof__(a) _a = (a);						\
	__typeof__(s) _s = (s);						\
	__typeof__(d) _d = (d);						\
	unsigned int _w = 8 * sizeof(*_d);				\
	*_d = (_s >= _w) ? 0 : (__typeof__(*_d))(_a << _s);		\
	(_s >= _w) || (*_d >> _s) != _a;				\
})

#endif
