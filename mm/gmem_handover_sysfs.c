// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs status of the gmem pool hand-over.
 */

/**
 * DOC: gmem pool hand-over sysfs
 *
 * /sys/kernel/mm/gmem_pool/handover/status says, in one line, how this
 * boot's hand-over went: no hand-over data, a record ignored (and why), a
 * record rejected (why, and how many chunks are quarantined), or what was
 * restored.  It is root's only: it tells whether guest memory came through
 * a kexec.  Sessions and files are driven through /dev/liveupdate; see
 * Documentation/ABI/testing/sysfs-kernel-mm-gmem_pool.
 */

#define pr_fmt(fmt) "gmem_pool: handover: " fmt

#include <linux/gmem_carveout.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "gmem_carveout.h"
#include "gmem_handover.h"

static ssize_t status_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	char status[GMEM_HANDOVER_STATUS_LEN];

	gmem_handover_status(status, sizeof(status));
	return sysfs_emit(buf, "%s\n", status);
}

static struct kobj_attribute status_attr = __ATTR(status, 0400, status_show,
						  NULL);

static struct attribute *gmem_ho_attrs[] = {
	&status_attr.attr,
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
