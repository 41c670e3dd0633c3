/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/liveupdate: sessions of files that survive a kexec.
 *
 * The ioctl numbers, structures and error rules are those of the Live Update
 * Orchestrator of mainline Linux (6.19), so that a VMM written for mainline
 * runs unchanged.  In this kernel the only files a session can preserve are
 * pool-backed guest_memfd files (Documentation/virt/kvm/gmem-pool.rst).
 */
#ifndef _UAPI_LINUX_LIVEUPDATE_H
#define _UAPI_LINUX_LIVEUPDATE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * DOC: liveupdate ioctl conventions
 *
 * Every ioctl takes a pointer to a structure whose first field, a __u32,
 * is the size of the structure as userspace knows it.  The kernel reads
 * that many bytes: a smaller size than the fields the ioctl needs is
 * %EINVAL, and bytes past the structure the kernel knows must be zero, or
 * the ioctl fails with %E2BIG.  So a program built against a later,
 * larger structure keeps working as long as it leaves the new fields zero.
 *
 * Errors shared by all ioctls:
 *
 *  - EINVAL: an ioctl number of the right type outside the device's or
 *    the session's table (as mainline's code does).
 *  - ENOTTY: an ioctl of another type, or a number of the table with
 *    other direction or size bits.
 *  - E2BIG: non-zero bytes past the structure the kernel knows.
 *  - EOPNOTSUPP: a field has a value this kernel does not support.
 *  - EINVAL: a field is wrong (size too small, a bad name, ...).
 *  - ENOENT: no session or file under that name or token.
 *  - ENOMEM: out of memory, or out of sessions.
 *  - EFAULT: the structure cannot be read or written.
 */

/* ioctl type of /dev/liveupdate and of session files. */
#define LIVEUPDATE_IOCTL_TYPE		0xBA

/* Session names are at most this long, the terminating NUL included. */
#define LIVEUPDATE_SESSION_NAME_LENGTH	64

/* ioctls of /dev/liveupdate */
enum {
	LIVEUPDATE_CMD_BASE = 0x00,
	LIVEUPDATE_CMD_CREATE_SESSION = LIVEUPDATE_CMD_BASE,
	LIVEUPDATE_CMD_RETRIEVE_SESSION = 0x01,
};

/* ioctls of a session file */
enum {
	LIVEUPDATE_CMD_SESSION_BASE = 0x40,
	LIVEUPDATE_CMD_SESSION_PRESERVE_FD = LIVEUPDATE_CMD_SESSION_BASE,
	LIVEUPDATE_CMD_SESSION_RETRIEVE_FD = 0x41,
	LIVEUPDATE_CMD_SESSION_FINISH = 0x42,
};

/**
 * struct liveupdate_ioctl_create_session - LIVEUPDATE_IOCTL_CREATE_SESSION
 * @size: in: sizeof(struct liveupdate_ioctl_create_session)
 * @fd: out: a new session file descriptor (close-on-exec)
 * @name: in: the session's name, NUL terminated, unique among the sessions
 *	of this kernel
 *
 * Starts a session for the next kernel.  Closing the last descriptor of
 * the session before the kexec ends it: its files are unpreserved.
 * Errors: EEXIST for a name in use, EINVAL for an empty or unterminated
 * name, ENOMEM when no more sessions can be handed over.
 */
struct liveupdate_ioctl_create_session {
	__u32 size;
	__s32 fd;
	__u8 name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

#define LIVEUPDATE_IOCTL_CREATE_SESSION \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_CREATE_SESSION)

/**
 * struct liveupdate_ioctl_retrieve_session - LIVEUPDATE_IOCTL_RETRIEVE_SESSION
 * @size: in: sizeof(struct liveupdate_ioctl_retrieve_session)
 * @fd: out: a session file descriptor (close-on-exec)
 * @name: in: the name the session had in the previous kernel
 *
 * Gives a descriptor for a session that the previous kernel handed over.
 * Errors: ENOENT if there is no such session, EINVAL if it was retrieved
 * already.
 */
struct liveupdate_ioctl_retrieve_session {
	__u32 size;
	__s32 fd;
	__u8 name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

#define LIVEUPDATE_IOCTL_RETRIEVE_SESSION \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_RETRIEVE_SESSION)

/**
 * struct liveupdate_session_preserve_fd - LIVEUPDATE_SESSION_PRESERVE_FD
 * @size: in: sizeof(struct liveupdate_session_preserve_fd)
 * @fd: in: the file descriptor to preserve
 * @token: in: the name of the file in the session, unique in the session
 *
 * Adds a file to a session of this kernel.  The session keeps a reference
 * to the file until it ends or the machine kexecs.  Errors: EEXIST for a
 * token in use in the session, EBADF for a bad @fd, ENOENT for a file that
 * cannot be preserved, ENOSPC when the session or the hand-over record is
 * full, EBUSY for a file preserved already or a kexec under way.
 */
struct liveupdate_session_preserve_fd {
	__u32 size;
	__s32 fd;
	__aligned_u64 token;
};

#define LIVEUPDATE_SESSION_PRESERVE_FD \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_PRESERVE_FD)

/**
 * struct liveupdate_session_retrieve_fd - LIVEUPDATE_SESSION_RETRIEVE_FD
 * @size: in: sizeof(struct liveupdate_session_retrieve_fd)
 * @fd: out: a file descriptor of the retrieved file (close-on-exec)
 * @token: in: the token the file was preserved under
 *
 * Gives the file a session of the previous kernel preserved under @token.
 * A second call for the same token gives another descriptor of the same
 * file.  Errors: ENOENT for an unknown token or a session that has
 * finished, EINVAL for a session of this kernel.
 */
struct liveupdate_session_retrieve_fd {
	__u32 size;
	__s32 fd;
	__aligned_u64 token;
};

#define LIVEUPDATE_SESSION_RETRIEVE_FD \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_RETRIEVE_FD)

/**
 * struct liveupdate_session_finish - LIVEUPDATE_SESSION_FINISH
 * @size: in: sizeof(struct liveupdate_session_finish)
 * @reserved: in: zero
 *
 * Ends a retrieved session: the files it retrieved now belong to their
 * descriptors alone, and the memory of the files it did not retrieve is
 * freed.  Closing the session's last descriptor does the same.  Errors:
 * EINVAL for a session of this kernel; finishing twice does nothing.
 */
struct liveupdate_session_finish {
	__u32 size;
	__u32 reserved;
};

#define LIVEUPDATE_SESSION_FINISH \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_FINISH)

#endif /* _UAPI_LINUX_LIVEUPDATE_H */
