/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interface of the gmem pool hand-over: between its core
 * (gmem_handover.c: sessions, files, the record), its /dev/liveupdate
 * device (gmem_handover_luo.c), the boot data a kexec carries
 * (gmem_handover_boot.c) and its sysfs status (gmem_handover_sysfs.c).
 */
#ifndef __MM_GMEM_HANDOVER_H__
#define __MM_GMEM_HANDOVER_H__

#include <linux/init.h>
#include <linux/types.h>

struct file;
struct gmem_ho_session;

/*
 * Carveout owner ids above GMEM_CHUNK_OWNER_FILE_MAX belong to the
 * hand-over: one per file of the record this kernel booted from, for its
 * chunks until it is retrieved, and one for chunks quarantined because a
 * rejected record named them.
 */
#define GMEM_HANDOVER_OWNER_BASE	0x80000000U
#define GMEM_HANDOVER_OWNER_QUARANTINE	0xfffffffeU

/* Room for the status line, NUL included. */
#define GMEM_HANDOVER_STATUS_LEN	160

/**
 * enum gmem_handover_sabotage - debugfs knob for the negative tests
 * @GMEM_HO_SABOTAGE_NONE: hand over as usual
 * @GMEM_HO_SABOTAGE_CORRUPT: damage the record after its checksum is taken
 * @GMEM_HO_SABOTAGE_KEY: write the record with a key the kexec does not carry
 * @GMEM_HO_SABOTAGE_DROP: leave the hand-over data out of kexec_file_load()
 * @GMEM_HO_SABOTAGE_MAX: first invalid value
 */
enum gmem_handover_sabotage {
	GMEM_HO_SABOTAGE_NONE,
	GMEM_HO_SABOTAGE_CORRUPT,
	GMEM_HO_SABOTAGE_KEY,
	GMEM_HO_SABOTAGE_DROP,
	GMEM_HO_SABOTAGE_MAX,
};

/**
 * struct gmem_handover_boot_info - what the kexec told this kernel
 * @present: the kexec carried hand-over data
 * @key: the key the record must carry to be trusted
 * @record_phys: physical address of the record
 * @record_room: bytes of room the record may use
 */
struct gmem_handover_boot_info {
	bool present;
	u64 key[2];
	u64 record_phys;
	u64 record_room;
};

/* gmem_handover.c: sessions and files, for the /dev/liveupdate device. */
int gmem_ho_session_create(const char *name, struct gmem_ho_session **out);
int gmem_ho_session_retrieve(const char *name, struct gmem_ho_session **out);
void gmem_ho_session_release(struct gmem_ho_session *session);
void gmem_ho_session_undo(struct gmem_ho_session *session);
const char *gmem_ho_session_name(const struct gmem_ho_session *session);
int gmem_ho_preserve(struct gmem_ho_session *session, u64 token,
		     struct file *file);
int gmem_ho_retrieve_fd(struct gmem_ho_session *session, u64 token,
			struct file **filep);
int gmem_ho_finish(struct gmem_ho_session *session);
size_t gmem_handover_status(char *buf, size_t size);
unsigned int gmem_ho_sabotage_mode(void);

#if IS_ENABLED(CONFIG_GMEM_HANDOVER_KUNIT_TEST)
struct gmem_handover_file_ops;
const struct gmem_handover_file_ops *
gmem_ho_test_swap_ops(const struct gmem_handover_file_ops *ops);
size_t gmem_ho_test_set_room(size_t room);
size_t gmem_ho_test_room_used(void);
#endif

/* gmem_handover.c, for gmem_handover_restore.c */
struct gmem_handover_pool;
struct gmem_handover_view;
int gmem_ho_pools(struct gmem_handover_pool *out);
int __init gmem_ho_adopt(void *old, const struct gmem_handover_view *view,
			 u64 *nr_chunks);
__printf(1, 2) void gmem_ho_set_status(const char *fmt, ...);

/* gmem_handover_boot.c */
void __init gmem_handover_boot_info(struct gmem_handover_boot_info *info);

#endif /* __MM_GMEM_HANDOVER_H__ */
