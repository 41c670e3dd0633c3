// SPDX-License-Identifier: GPL-2.0
/*
 * Boot parameters of the gmem pool carveout.
 *
 * DOC: gmem_pool boot parameters
 *
 * ``gmem_pool=[<nid>:]<size>[@<phys>][,[<nid>:]<size>[@<phys>]...]`` asks
 * for one pool per listed NUMA node (node 0 when <nid> is left out), each
 * with at least <size> bytes of usable chunks, optionally at the physical
 * address <phys>.  ``gmem_pool_chunk=2M|1G`` picks the chunk size of every
 * pool (default 2M).
 *
 * The parser is strict: a string it does not fully understand is rejected
 * as a whole with one message saying why, and the kernel boots without
 * pools.  Whether a well-formed entry can be honoured (node exists, memory
 * is free, @phys is sane) is decided later, at reservation time, entry by
 * entry.
 *
 * After a kexec that handed pools over, the placement comes from the
 * hand-over data the kexec carried (gmem_pool_set_requests()), and both
 * parameters are ignored: the pools must be where the last kernel left
 * them, whatever the command line says.
 */

#define pr_fmt(fmt) "gmem_pool: " fmt

#include <linux/ctype.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/string.h>

#include "gmem_carveout.h"

/* Longest <nid> we read, in decimal digits. */
#define GMEM_POOL_NID_DIGITS	4

static struct gmem_pool_request gmem_pool_reqs[GMEM_POOL_MAX_REQUESTS] __initdata;
static int gmem_pool_nr_reqs __initdata;
static unsigned int gmem_pool_chunk_shift __initdata = GMEM_POOL_CHUNK_SHIFT_2M;
/* Set when the kexec's hand-over data placed the pools. */
static bool gmem_pool_placed __initdata;
/* Set once the record room is given to one request. */
static bool gmem_pool_room_done __initdata;

static int gmem_pool_parse_err(const char *what, const char *at)
{
	pr_err("gmem_pool=: %s at \"%s\", parameter ignored\n", what, at);
	return -EINVAL;
}

/* Parse "<nid>:" if the entry [p, end) has one; *p is moved past it. */
static int gmem_pool_parse_nid(const char **p, const char *end, int *nid)
{
	char digits[GMEM_POOL_NID_DIGITS + 1];
	const char *colon = memchr(*p, ':', end - *p);
	unsigned int val;
	size_t len;

	*nid = 0;
	if (!colon)
		return 0;

	len = colon - *p;
	if (!len || len > GMEM_POOL_NID_DIGITS || !isdigit(**p))
		return gmem_pool_parse_err("bad node id", *p);
	memcpy(digits, *p, len);
	digits[len] = '\0';
	if (kstrtouint(digits, 10, &val))
		return gmem_pool_parse_err("bad node id", *p);
	if (val >= MAX_NUMNODES)
		return gmem_pool_parse_err("node id out of range", *p);

	*nid = val;
	*p = colon + 1;
	return 0;
}

/* Parse "<size>[@<phys>]" that must end exactly at @end. */
static int gmem_pool_parse_size(const char *p, const char *end,
				struct gmem_pool_request *req)
{
	char *next;

	if (!isdigit(*p))
		return gmem_pool_parse_err("missing size", p);
	req->size = memparse(p, &next);
	if (!req->size)
		return gmem_pool_parse_err("zero size", p);

	req->fixed = *next == '@';
	if (req->fixed) {
		p = next + 1;
		if (!isdigit(*p))
			return gmem_pool_parse_err("missing address after '@'", p);
		req->phys = memparse(p, &next);
	}

	if (next != end)
		return gmem_pool_parse_err("trailing characters", next);
	return 0;
}

/**
 * gmem_pool_parse() - parse the value of the gmem_pool= boot parameter
 * @s: the value, NUL terminated
 * @reqs: table to fill, one entry per pool
 * @max: number of entries of @reqs
 *
 * Every entry must have a size, sizes must be non-zero, node ids must be
 * decimal, below %MAX_NUMNODES and listed once, and nothing may follow the
 * last entry.  On error one line saying what is wrong is logged.
 *
 * Return: the number of entries filled in (at least 1), or -EINVAL if @s
 * is malformed or has more than @max entries.
 */
VISIBLE_IF_KUNIT int gmem_pool_parse(const char *s,
				     struct gmem_pool_request *reqs, int max)
{
	const char *p = s, *end;
	int n = 0, i, ret;

	if (!s || !*s)
		return gmem_pool_parse_err("empty value", "");

	for (;;) {
		if (n == max)
			return gmem_pool_parse_err("too many entries", p);
		end = strchrnul(p, ',');
		memset(&reqs[n], 0, sizeof(reqs[n]));
		ret = gmem_pool_parse_nid(&p, end, &reqs[n].nid);
		if (ret)
			return ret;
		ret = gmem_pool_parse_size(p, end, &reqs[n]);
		if (ret)
			return ret;
		for (i = 0; i < n; i++)
			if (reqs[i].nid == reqs[n].nid)
				return gmem_pool_parse_err("node listed twice", p);
		n++;
		if (!*end)
			return n;
		p = end + 1;
	}
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_parse);

/**
 * gmem_pool_parse_chunk() - parse the value of gmem_pool_chunk=
 * @s: the value, NUL terminated
 * @chunk_shift: where to store log2 of the chunk size
 *
 * Return: 0, or -EINVAL if @s is not exactly 2 MiB or 1 GiB.
 */
VISIBLE_IF_KUNIT int gmem_pool_parse_chunk(const char *s,
					   unsigned int *chunk_shift)
{
	char *end;
	u64 size;

	if (!s || !isdigit(*s))
		return -EINVAL;
	size = memparse(s, &end);
	if (*end)
		return -EINVAL;

	switch (size) {
	case SZ_2M:
		*chunk_shift = GMEM_POOL_CHUNK_SHIFT_2M;
		return 0;
	case SZ_1G:
		*chunk_shift = GMEM_POOL_CHUNK_SHIFT_1G;
		return 0;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(gmem_pool_parse_chunk);

/*
 * The pool of the lowest node keeps the room for the hand-over record: for
 * every chunk the requests can yield, sections rounded up included.
 */
static void __init gmem_pool_assign_room(void)
{
	u64 chunk, chunks = 0;
	int i, home = 0;

	if (gmem_pool_room_done || !gmem_pool_nr_reqs || !gmem_pool_chunk_shift)
		return;
	gmem_pool_room_done = true;
	if (!IS_ENABLED(CONFIG_GMEM_HANDOVER))
		return;
	chunk = 1ULL << gmem_pool_chunk_shift;
	for (i = 0; i < gmem_pool_nr_reqs; i++) {
		chunks += DIV_ROUND_UP_ULL(gmem_pool_reqs[i].size, chunk) +
			  DIV_ROUND_UP_ULL(GMEM_POOL_SECTION_SIZE, chunk);
		if (gmem_pool_reqs[i].nid < gmem_pool_reqs[home].nid)
			home = i;
	}
	gmem_pool_reqs[home].record_room = GMEM_POOL_RECORD_FIXED +
					   chunks * GMEM_POOL_RECORD_PER_CHUNK;
}

/**
 * gmem_pool_requests() - the pools to reserve
 * @reqs: set to the table of requests
 *
 * The pools asked for on the command line, or the ones the kexec's
 * hand-over data placed.  One of them carries the room for the hand-over
 * record.
 *
 * Return: the number of entries in *@reqs (0 when none or malformed).
 */
int __init gmem_pool_requests(const struct gmem_pool_request **reqs)
{
	gmem_pool_assign_room();
	*reqs = gmem_pool_reqs;
	return gmem_pool_nr_reqs;
}

/**
 * gmem_pool_set_requests() - place the pools as the last kernel did
 * @reqs: one fixed request per pool, record room included
 * @n: number of entries, at most %GMEM_POOL_MAX_REQUESTS
 * @chunk_shift: log2 of the chunk size of every pool
 *
 * Called by the hand-over while it reads the kexec's boot data, before the
 * command line is parsed; gmem_pool= and gmem_pool_chunk= are ignored from
 * then on.
 */
void __init gmem_pool_set_requests(const struct gmem_pool_request *reqs,
				   int n, unsigned int chunk_shift)
{
	n = min(n, GMEM_POOL_MAX_REQUESTS);
	memcpy(gmem_pool_reqs, reqs, n * sizeof(*reqs));
	gmem_pool_nr_reqs = n;
	gmem_pool_chunk_shift = chunk_shift;
	gmem_pool_placed = true;
	gmem_pool_room_done = true;
}

/**
 * gmem_pool_requested_chunk_shift() - the chunk size asked for at boot
 *
 * Return: log2 of the chunk size in bytes, 21 unless gmem_pool_chunk=1G.
 */
unsigned int __init gmem_pool_requested_chunk_shift(void)
{
	return gmem_pool_chunk_shift;
}

static int __init gmem_pool_setup(char *s)
{
	int n;

	if (gmem_pool_placed) {
		pr_info("gmem_pool= ignored: the kexec placed the pools\n");
		return 0;
	}
	n = gmem_pool_parse(s, gmem_pool_reqs, ARRAY_SIZE(gmem_pool_reqs));

	if (n < 0) {
		gmem_pool_nr_reqs = 0;
		return n;
	}
	gmem_pool_nr_reqs = n;
	return 0;
}
early_param("gmem_pool", gmem_pool_setup);

static int __init gmem_pool_chunk_setup(char *s)
{
	if (gmem_pool_placed) {
		pr_info("gmem_pool_chunk= ignored: the kexec placed the pools\n");
		return 0;
	}
	if (gmem_pool_parse_chunk(s, &gmem_pool_chunk_shift)) {
		pr_err("gmem_pool_chunk=%s: must be 2M or 1G, pools disabled\n",
		       s ? s : "");
		/* Reservation reads 0 as "no pools", whatever gmem_pool= says. */
		gmem_pool_chunk_shift = 0;
		return -EINVAL;
	}
	return 0;
}
early_param("gmem_pool_chunk", gmem_pool_chunk_setup);
