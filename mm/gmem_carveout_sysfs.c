// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs view of the gmem pools.
 *
 * DOC: gmem pool sysfs
 *
 * /sys/kernel/mm/gmem_pool/chunk_size holds the chunk size in bytes (0 when
 * no pool is active) and each node with an active pool has a directory
 * node<N>/ with base, size, total_chunks, free_chunks and metadata_bytes.
 * All files are read-only; see
 * Documentation/ABI/testing/sysfs-kernel-mm-gmem_pool.
 */

#define pr_fmt(fmt) "gmem_pool: " fmt

#include <linux/gmem_carveout.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "gmem_carveout.h"

#define GMEM_POOL_ATTR_RO(_name) \
	static struct kobj_attribute _name##_attr = __ATTR_RO(_name)

struct gmem_pool_kobj {
	struct kobject kobj;
	struct gmem_pool *pool;
};

static struct gmem_pool *gmem_pool_from_kobj(struct kobject *kobj)
{
	return container_of(kobj, struct gmem_pool_kobj, kobj)->pool;
}

/* A physical address: readable by root only, as in /proc/iomem. */
static ssize_t base_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct gmem_pool *pool = gmem_pool_from_kobj(kobj);

	return sysfs_emit(buf, "%#llx\n", (u64)pool->layout.base);
}

static struct kobj_attribute base_attr = __ATTR(base, 0400, base_show, NULL);

/* Where chunk 0 starts: turns a reported error address into a chunk index. */
static ssize_t chunk_base_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct gmem_pool *pool = gmem_pool_from_kobj(kobj);

	return sysfs_emit(buf, "%#llx\n", (u64)pool->layout.chunk_base);
}

static struct kobj_attribute chunk_base_attr =
	__ATTR(chunk_base, 0400, chunk_base_show, NULL);

static ssize_t size_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct gmem_pool *pool = gmem_pool_from_kobj(kobj);

	return sysfs_emit(buf, "%llu\n", pool->layout.size);
}
GMEM_POOL_ATTR_RO(size);

static ssize_t total_chunks_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	struct gmem_pool *pool = gmem_pool_from_kobj(kobj);

	return sysfs_emit(buf, "%lu\n", pool->layout.nchunks);
}
GMEM_POOL_ATTR_RO(total_chunks);

static ssize_t free_chunks_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct gmem_pool *pool = gmem_pool_from_kobj(kobj);

	return sysfs_emit(buf, "%lu\n", gmem_pool_nr_free(pool));
}
GMEM_POOL_ATTR_RO(free_chunks);

static ssize_t metadata_bytes_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	struct gmem_pool *pool = gmem_pool_from_kobj(kobj);

	return sysfs_emit(buf, "%llu\n", pool->layout.meta_bytes);
}
GMEM_POOL_ATTR_RO(metadata_bytes);

/* Chunks memory_failure() retired; they count as used in free_chunks. */
static ssize_t poisoned_chunks_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	struct gmem_pool *pool = gmem_pool_from_kobj(kobj);

	return sysfs_emit(buf, "%lu\n", gmem_pool_nr_poisoned(pool));
}
GMEM_POOL_ATTR_RO(poisoned_chunks);

static struct attribute *gmem_pool_node_attrs[] = {
	&base_attr.attr,
	&chunk_base_attr.attr,
	&size_attr.attr,
	&total_chunks_attr.attr,
	&free_chunks_attr.attr,
	&metadata_bytes_attr.attr,
	&poisoned_chunks_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(gmem_pool_node);

static void gmem_pool_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct gmem_pool_kobj, kobj));
}

static const struct kobj_type gmem_pool_node_ktype = {
	.release = gmem_pool_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = gmem_pool_node_groups,
};

static ssize_t chunk_size_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	unsigned int order = gmem_carveout_chunk_order();

	return sysfs_emit(buf, "%lu\n", order ? PAGE_SIZE << order : 0);
}
GMEM_POOL_ATTR_RO(chunk_size);

static int __init gmem_pool_sysfs_add_node(struct kobject *root, int nid)
{
	struct gmem_pool_kobj *pk;
	int err;

	pk = kzalloc(sizeof(*pk), GFP_KERNEL);
	if (!pk)
		return -ENOMEM;
	pk->pool = gmem_pool_get(nid);
	err = kobject_init_and_add(&pk->kobj, &gmem_pool_node_ktype, root,
				   "node%d", nid);
	if (err)
		kobject_put(&pk->kobj);
	return err;
}

/*
 * The pools are fixed once activated (core_initcall) and never go away,
 * so the directories are made once and never removed.
 */
struct kobject *gmem_pool_sysfs_root;

static int __init gmem_pool_sysfs_init(void)
{
	struct kobject *root;
	struct gmem_pool *pool;
	int err;

	root = kobject_create_and_add("gmem_pool", mm_kobj);
	if (!root)
		return -ENOMEM;
	err = sysfs_create_file(root, &chunk_size_attr.attr);
	if (err)
		goto put_root;
	gmem_pool_sysfs_root = root;

	for (pool = gmem_pool_next(NULL); pool; pool = gmem_pool_next(pool)) {
		err = gmem_pool_sysfs_add_node(root, pool->nid);
		if (err) {
			pr_err("node %d: no sysfs directory (%pe)\n", pool->nid,
			       ERR_PTR(err));
			/* The other nodes' directories stay useful. */
		}
	}
	return 0;

put_root:
	kobject_put(root);
	return err;
}
subsys_initcall(gmem_pool_sysfs_init);
