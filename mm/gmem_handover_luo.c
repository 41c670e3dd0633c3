// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/liveupdate for the gmem pool hand-over.
 */

/**
 * DOC: gmem pool /dev/liveupdate
 *
 * The device and session ioctls of mainline's Live Update Orchestrator
 * (include/uapi/linux/liveupdate.h), over the hand-over's sessions: a VMM
 * written for mainline runs unchanged.  The device is root's alone (mode
 * 0600) and exclusive: one open at a time, a second one gets -EBUSY, so
 * one agent creates the sessions and hands their descriptors to the VMMs.
 * Whoever holds a session descriptor owns its files; the hand-over checks
 * no uid.
 *
 * Every ioctl takes a structure that starts with its size: a size below
 * what the ioctl reads is -EINVAL, and bytes past the structure this
 * kernel knows must be zero (copy_struct_from_user(), -E2BIG).  Replies
 * are copied back in the caller's size, descriptors installed last.
 */

#define pr_fmt(fmt) "gmem_pool: liveupdate: " fmt

#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gmem_carveout.h>
#include <linux/init.h>
#include <linux/miscdevice.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/linux/liveupdate.h>

#include "gmem_handover.h"

/* Room for "[gmem_session] " and a session name in /proc/<pid>/fd. */
#define GMEM_LUO_FILE_NAME_LEN	(16 + LIVEUPDATE_SESSION_NAME_LENGTH)

/* Set while /dev/liveupdate is open. */
static atomic_t gmem_luo_in_use = ATOMIC_INIT(0);

union gmem_luo_buf {
	struct liveupdate_ioctl_create_session create;
	struct liveupdate_ioctl_retrieve_session retrieve;
	struct liveupdate_session_preserve_fd preserve;
	struct liveupdate_session_retrieve_fd retrieve_fd;
	struct liveupdate_session_finish finish;
};

/**
 * struct gmem_luo_op - the structure of one ioctl of the device or of a
 *	session
 * @size: size of the structure in this kernel
 * @min_size: bytes of it that userspace must give
 */
struct gmem_luo_op {
	u32 size;
	u32 min_size;
};

#define GMEM_LUO_OP(_struct, _last)					\
	{ .size = sizeof(_struct), .min_size = offsetofend(_struct, _last) }

/*
 * Read the caller's structure: its size first, then as much of it as both
 * sides know.  Returns the caller's size in @usize for the reply.
 */
static int gmem_luo_read(const struct gmem_luo_op *op, void __user *arg,
			 union gmem_luo_buf *buf, u32 *usize)
{
	if (get_user(*usize, (u32 __user *)arg))
		return -EFAULT;
	if (*usize < op->min_size)
		return -EINVAL;
	return copy_struct_from_user(buf, op->size, arg, *usize);
}

static int gmem_luo_reply(void __user *arg, const void *buf, u32 size,
			  u32 usize)
{
	return copy_to_user(arg, buf, min(size, usize)) ? -EFAULT : 0;
}

/* A name is non-empty and NUL terminated inside its array. */
static bool gmem_luo_name_ok(const __u8 *name)
{
	return name[0] && memchr(name, 0, LIVEUPDATE_SESSION_NAME_LENGTH);
}

/* ---- session files ---- */

static int gmem_luo_session_release(struct inode *inode, struct file *file)
{
	gmem_ho_session_release(file->private_data);
	return 0;
}

static int gmem_luo_preserve(struct gmem_ho_session *s, void __user *arg)
{
	static const struct gmem_luo_op op =
		GMEM_LUO_OP(struct liveupdate_session_preserve_fd, token);
	union gmem_luo_buf buf;
	struct file *file;
	u32 usize;
	int ret;

	ret = gmem_luo_read(&op, arg, &buf, &usize);
	if (ret)
		return ret;
	file = fget(buf.preserve.fd);
	if (!file)
		return -EBADF;
	ret = gmem_ho_preserve(s, buf.preserve.token, file);
	fput(file);
	return ret;
}

static int gmem_luo_retrieve_fd(struct gmem_ho_session *s, void __user *arg)
{
	static const struct gmem_luo_op op =
		GMEM_LUO_OP(struct liveupdate_session_retrieve_fd, token);
	union gmem_luo_buf buf;
	struct file *file;
	int fd, ret;
	u32 usize;

	ret = gmem_luo_read(&op, arg, &buf, &usize);
	if (ret)
		return ret;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	ret = gmem_ho_retrieve_fd(s, buf.retrieve_fd.token, &file);
	if (ret)
		goto put_fd;
	buf.retrieve_fd.fd = fd;
	ret = gmem_luo_reply(arg, &buf, op.size, usize);
	if (ret)
		goto put_file;
	fd_install(fd, file);
	return 0;

put_file:
	fput(file);
put_fd:
	put_unused_fd(fd);
	return ret;
}

static int gmem_luo_finish(struct gmem_ho_session *s, void __user *arg)
{
	static const struct gmem_luo_op op =
		GMEM_LUO_OP(struct liveupdate_session_finish, reserved);
	union gmem_luo_buf buf;
	u32 usize;
	int ret;

	ret = gmem_luo_read(&op, arg, &buf, &usize);
	if (ret)
		return ret;
	if (buf.finish.reserved)
		return -EINVAL;
	return gmem_ho_finish(s);
}

/*
 * As mainline: a number outside the table is -EINVAL, a number of the
 * table with other direction or size bits is -ENOTTY.
 */
static int gmem_luo_check_nr(unsigned int cmd, unsigned int base,
			     unsigned int nr_cmds)
{
	unsigned int nr = _IOC_NR(cmd);

	if (_IOC_TYPE(cmd) != LIVEUPDATE_IOCTL_TYPE)
		return -ENOTTY;
	if (nr < base || nr - base >= nr_cmds)
		return -EINVAL;
	return 0;
}

/* The ioctls of a session: LIVEUPDATE_CMD_SESSION_BASE and after. */
#define GMEM_LUO_SESSION_CMDS	3
/* The ioctls of the device: LIVEUPDATE_CMD_BASE and after. */
#define GMEM_LUO_DEVICE_CMDS	2

static long gmem_luo_session_ioctl(struct file *file, unsigned int cmd,
				   unsigned long arg)
{
	struct gmem_ho_session *s = file->private_data;
	void __user *uarg = (void __user *)arg;
	int ret;

	ret = gmem_luo_check_nr(cmd, LIVEUPDATE_CMD_SESSION_BASE,
				GMEM_LUO_SESSION_CMDS);
	if (ret)
		return ret;
	switch (cmd) {
	case LIVEUPDATE_SESSION_PRESERVE_FD:
		return gmem_luo_preserve(s, uarg);
	case LIVEUPDATE_SESSION_RETRIEVE_FD:
		return gmem_luo_retrieve_fd(s, uarg);
	case LIVEUPDATE_SESSION_FINISH:
		return gmem_luo_finish(s, uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations gmem_luo_session_fops = {
	.owner		= THIS_MODULE,
	.release	= gmem_luo_session_release,
	.unlocked_ioctl	= gmem_luo_session_ioctl,
};

/* ---- /dev/liveupdate ---- */

static int gmem_luo_session_fd(struct gmem_ho_session *s, struct file **filep)
{
	char name[GMEM_LUO_FILE_NAME_LEN];
	struct file *file;

	snprintf(name, sizeof(name), "[gmem_session] %s",
		 gmem_ho_session_name(s));
	file = anon_inode_getfile(name, &gmem_luo_session_fops, s, O_RDWR);
	if (IS_ERR(file))
		return PTR_ERR(file);
	*filep = file;
	return 0;
}

/*
 * CREATE_SESSION and RETRIEVE_SESSION share their structure: a name in,
 * a descriptor out.  The reply is written before the session gets a file:
 * once it has one, dropping the file would release the session, and the
 * release of a retrieved session finishes it, freeing every file it holds.
 * Until then gmem_ho_session_undo() puts the session back as it was.
 */
static int gmem_luo_open_session(unsigned int cmd, void __user *arg)
{
	static const struct gmem_luo_op op =
		GMEM_LUO_OP(struct liveupdate_ioctl_create_session, name);
	struct liveupdate_ioctl_create_session *req;
	union gmem_luo_buf buf;
	struct gmem_ho_session *s;
	struct file *file;
	int fd, ret;
	u32 usize;

	static_assert(sizeof(buf.create) == sizeof(buf.retrieve));
	ret = gmem_luo_read(&op, arg, &buf, &usize);
	if (ret)
		return ret;
	req = &buf.create;
	if (!gmem_luo_name_ok(req->name))
		return -EINVAL;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	if (cmd == LIVEUPDATE_IOCTL_CREATE_SESSION)
		ret = gmem_ho_session_create(req->name, &s);
	else
		ret = gmem_ho_session_retrieve(req->name, &s);
	if (ret)
		goto put_fd;
	req->fd = fd;
	ret = gmem_luo_reply(arg, req, op.size, usize);
	if (!ret)
		ret = gmem_luo_session_fd(s, &file);
	if (ret) {
		gmem_ho_session_undo(s);
		goto put_fd;
	}
	fd_install(fd, file);
	return 0;

put_fd:
	put_unused_fd(fd);
	return ret;
}

static long gmem_luo_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	int ret;

	ret = gmem_luo_check_nr(cmd, LIVEUPDATE_CMD_BASE, GMEM_LUO_DEVICE_CMDS);
	if (ret)
		return ret;
	switch (cmd) {
	case LIVEUPDATE_IOCTL_CREATE_SESSION:
	case LIVEUPDATE_IOCTL_RETRIEVE_SESSION:
		return gmem_luo_open_session(cmd, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static int gmem_luo_open(struct inode *inode, struct file *file)
{
	if (atomic_cmpxchg(&gmem_luo_in_use, 0, 1))
		return -EBUSY;
	return 0;
}

static int gmem_luo_release(struct inode *inode, struct file *file)
{
	atomic_set(&gmem_luo_in_use, 0);
	return 0;
}

static const struct file_operations gmem_luo_fops = {
	.owner		= THIS_MODULE,
	.open		= gmem_luo_open,
	.release	= gmem_luo_release,
	.unlocked_ioctl	= gmem_luo_ioctl,
};

static struct miscdevice gmem_luo_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "liveupdate",
	.fops	= &gmem_luo_fops,
	.mode	= 0600,
};

static int __init gmem_luo_init(void)
{
	int ret;

	if (!gmem_carveout_chunk_order())
		return 0;
	ret = misc_register(&gmem_luo_dev);
	if (ret)
		pr_err("no /dev/liveupdate (%pe)\n", ERR_PTR(ret));
	return ret;
}
late_initcall(gmem_luo_init);
