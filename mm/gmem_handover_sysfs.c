// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs control files of the gmem pool hand-over.
 *
 * DOC: gmem pool hand-over sysfs
 *
 * /sys/kernel/mm/gmem_pool/handover/ lists the files this kernel preserves
 * (preserved) and the files the previous kernel handed over that nobody has
 * retrieved yet (unclaimed), one "token size uid chunks" line each; shows
 * how this boot's hand-over went (status); gives the gmem_pool= and
 * gmem_pool_chunk= parameters the next kernel needs to find the same pools
 * (handover_cmdline); and takes a token, or "all", to zero and free unclaimed
 * files (discard).  See Documentation/ABI/testing/sysfs-kernel-mm-gmem_pool.
 *
 * The hand-over state belongs to gmem_handover.c and is read through its
 * interface, under its lock; the pool layout read here is fixed at boot.
 */

#define pr_fmt(fmt) "gmem_pool: handover: " fmt

#include <linux/gmem_carveout.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/sizes.h>
#include <linux/sysfs.h>

#include "gmem_carveout.h"
#include "gmem_handover.h"

struct gmem_ho_list_buf {
	char *buf;
	ssize_t len;
};

static void gmem_ho_emit_file(const struct gmem_handover_listing *info,
			      void *arg)
{
	struct gmem_ho_list_buf *out = arg;

	out->len += sysfs_emit_at(out->buf, out->len, "%#llx %llu %u %llu\n",
				  info->token, info->size, info->uid,
				  info->nr_chunks);
}

static ssize_t gmem_ho_list(char *buf, bool unclaimed)
{
	struct gmem_ho_list_buf out = { .buf = buf };

	gmem_handover_list_files(unclaimed, gmem_ho_emit_file, &out);
	return out.len;
}

static ssize_t preserved_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return gmem_ho_list(buf, false);
}

static ssize_t unclaimed_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return gmem_ho_list(buf, true);
}

static ssize_t status_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	char status[GMEM_HANDOVER_STATUS_LEN];

	gmem_handover_status(status, sizeof(status));
	return sysfs_emit(buf, "%s\n", status);
}

static ssize_t discard_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	bool all = sysfs_streq(buf, "all");
	u64 token = 0;
	int ret;

	if (!all && kstrtou64(buf, 0, &token))
		return -EINVAL;
	ret = gmem_handover_discard(token, all);
	return ret ? ret : count;
}

/*
 * Same chunk capacity at the same base: the next kernel lays each pool out
 * exactly as this one did, which is what the record's layout check asks.
 */
static ssize_t handover_cmdline_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	unsigned int chunk_shift = 0;
	struct gmem_pool *pool;
	ssize_t len = 0;
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		pool = gmem_pool_get(nid);
		if (!pool)
			continue;
		chunk_shift = pool->layout.chunk_shift;
		len += sysfs_emit_at(buf, len, "%s%d:%lluM@%#llx",
				     len ? "," : "gmem_pool=", nid,
				     ((u64)pool->layout.nchunks << chunk_shift) /
				     SZ_1M, (u64)pool->layout.base);
	}
	if (!len)
		return sysfs_emit(buf, "\n");
	return len + sysfs_emit_at(buf, len, " gmem_pool_chunk=%s\n",
				   chunk_shift == GMEM_POOL_CHUNK_SHIFT_1G ?
				   "1G" : "2M");
}

static struct kobj_attribute preserved_attr = __ATTR_RO(preserved);
static struct kobj_attribute unclaimed_attr = __ATTR_RO(unclaimed);
static struct kobj_attribute status_attr = __ATTR_RO(status);
static struct kobj_attribute discard_attr = __ATTR_WO(discard);
/* Physical addresses: for root only, as in /proc/iomem. */
static struct kobj_attribute handover_cmdline_attr =
	__ATTR(handover_cmdline, 0400, handover_cmdline_show, NULL);

static struct attribute *gmem_ho_attrs[] = {
	&preserved_attr.attr,
	&unclaimed_attr.attr,
	&status_attr.attr,
	&discard_attr.attr,
	&handover_cmdline_attr.attr,
	NULL,
};

static const struct attribute_group gmem_ho_group = {
	.name = "handover",
	.attrs = gmem_ho_attrs,
};

static int __init gmem_handover_sysfs_init(void)
{
	int ret;

	if (!gmem_carveout_chunk_order() || !gmem_pool_sysfs_root)
		return 0;
	ret = sysfs_create_group(gmem_pool_sysfs_root, &gmem_ho_group);
	if (ret)
		pr_err("no sysfs directory (%pe)\n", ERR_PTR(ret));
	return ret;
}
late_initcall_sync(gmem_handover_sysfs_init);
