// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs view of the gmem pools.
 *
 * DOC: gmem pool debugfs
 *
 * /sys/kernel/debug/gmem_pool/node<N>_map shows the whole reservation of a
 * node's pool in chunk-sized units, one character each: 'M' for metadata
 * or slack that holds no chunk, '.' for a free chunk, 'U' for a used one,
 * 'x' for a chunk a memory error retired that its owner still holds and 'X'
 * for a retired chunk that no one holds any more (never handed out again).
 * Each line holds 64 units and starts with the index of its first unit,
 * so fragmentation is visible at a glance.  A 1 GiB-chunk pool whose
 * metadata takes one section still shows one 'M' for it.
 */

#define pr_fmt(fmt) "gmem_pool: " fmt

#include <linux/bitops.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/math.h>
#include <linux/seq_file.h>

#include "gmem_carveout.h"

#define GMEM_POOL_MAP_PER_LINE	64

/* Units before chunk 0: the metadata span and alignment slack. */
static unsigned long gmem_pool_map_head(const struct gmem_pool_layout *l)
{
	return DIV_ROUND_UP_ULL(l->chunk_base - l->base, 1ULL << l->chunk_shift);
}

static unsigned long gmem_pool_map_units(const struct gmem_pool_layout *l)
{
	u64 tail = l->base + l->size - l->chunk_base -
		   ((u64)l->nchunks << l->chunk_shift);

	return gmem_pool_map_head(l) + l->nchunks +
	       DIV_ROUND_UP_ULL(tail, 1ULL << l->chunk_shift);
}

static void *gmem_pool_map_start(struct seq_file *m, loff_t *pos)
{
	struct gmem_pool *pool = m->private;
	unsigned long lines = DIV_ROUND_UP(gmem_pool_map_units(&pool->layout),
					   GMEM_POOL_MAP_PER_LINE);

	return *pos < lines ? pos : NULL;
}

static void *gmem_pool_map_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return gmem_pool_map_start(m, pos);
}

static void gmem_pool_map_stop(struct seq_file *m, void *v)
{
}

static char gmem_pool_map_char(struct gmem_pool *pool, unsigned long unit)
{
	unsigned long head = gmem_pool_map_head(&pool->layout);

	lockdep_assert_held(&pool->lock);
	if (unit < head || unit - head >= pool->layout.nchunks)
		return 'M';
	if (gmem_pool_chunk_poisoned(pool, unit - head))
		return pool->owners[unit - head] == GMEM_CHUNK_OWNER_POISONED ?
		       'X' : 'x';
	return test_bit(unit - head, pool->bitmap) ? 'U' : '.';
}

static int gmem_pool_map_show(struct seq_file *m, void *v)
{
	char line[GMEM_POOL_MAP_PER_LINE + 1];
	struct gmem_pool *pool = m->private;
	unsigned long first = *(loff_t *)v * GMEM_POOL_MAP_PER_LINE;
	unsigned long units = gmem_pool_map_units(&pool->layout);
	unsigned long i, n = min(units - first, GMEM_POOL_MAP_PER_LINE);

	/* One line is one consistent snapshot; lines may differ in time. */
	spin_lock(&pool->lock);
	for (i = 0; i < n; i++)
		line[i] = gmem_pool_map_char(pool, first + i);
	spin_unlock(&pool->lock);
	line[n] = '\0';
	seq_printf(m, "%8lu %s\n", first, line);
	return 0;
}

static const struct seq_operations gmem_pool_map_sops = {
	.start = gmem_pool_map_start,
	.next = gmem_pool_map_next,
	.stop = gmem_pool_map_stop,
	.show = gmem_pool_map_show,
};
DEFINE_SEQ_ATTRIBUTE(gmem_pool_map);

static int __init gmem_pool_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("gmem_pool", NULL);
	struct gmem_pool *pool;
	char name[16];

	for (pool = gmem_pool_next(NULL); pool; pool = gmem_pool_next(pool)) {
		snprintf(name, sizeof(name), "node%d_map", pool->nid);
		debugfs_create_file(name, 0400, dir, pool, &gmem_pool_map_fops);
	}
	return 0;
}
late_initcall(gmem_pool_debugfs_init);
