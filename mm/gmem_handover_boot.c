// SPDX-License-Identifier: GPL-2.0
/*
 * The hand-over data a kexec carries to the next kernel.
 */

/**
 * DOC: gmem pool hand-over boot data
 *
 * kexec_file_load() asks gmem_handover_kexec_data() for a blob (struct
 * gmem_handover_boot) that the architecture passes to the next kernel with
 * its boot parameters (x86: a setup_data entry), never on the command
 * line: the placement of every pool, where the record will be, and a key
 * made of fresh random bytes for this image.  The user adds nothing, and a
 * user who forgets nothing can forget nothing.
 *
 * The next kernel reads the blob before it parses its command line
 * (gmem_handover_parse_boot_data()): the pools are placed exactly as the
 * last kernel had them, whatever gmem_pool= says, so guest memory never
 * reaches the page allocator.  The key is copied and wiped from the boot
 * data at once; the record is trusted only if it carries that key
 * (gmem_handover_restore.c).  A record written any other way, or left from
 * an older boot, does not carry it.
 */

#define pr_fmt(fmt) "gmem_pool: handover: " fmt

#include <linux/gmem_handover.h>
#include <linux/gmem_handover_abi.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/string.h>
#include <asm/early_ioremap.h>

#include "gmem_carveout.h"
#include "gmem_handover.h"

static struct gmem_handover_boot_info gmem_ho_boot __initdata;
static struct gmem_pool_request gmem_ho_boot_reqs[GMEM_POOL_MAX_REQUESTS] __initdata;

static u32 gmem_ho_boot_nr_pools(void)
{
	struct gmem_pool *pool;
	u32 n = 0;

	for (pool = gmem_pool_next(NULL); pool; pool = gmem_pool_next(pool))
		n++;
	return n;
}

/* Hand-over data goes with images that start a kernel taking over. */
static bool gmem_ho_boot_wanted(const struct kimage *image)
{
	return image->type == KEXEC_TYPE_DEFAULT && gmem_carveout_record_pool();
}

/**
 * gmem_handover_kexec_reserve() - set room aside for an image's hand-over
 *	data
 * @image: the image kexec_file_load() is building, with the kexec lock
 *	held
 *
 * Records the size in @image->gmem_handover_size, for
 * gmem_handover_kexec_data().
 *
 * Return: that size, 0 if the image carries no hand-over data (a crash
 * kernel, no pool to hand over).
 */
size_t gmem_handover_kexec_reserve(struct kimage *image)
{
	image->gmem_handover_size = 0;
	if (!gmem_ho_boot_wanted(image))
		return 0;
	if (gmem_ho_sabotage_mode() == GMEM_HO_SABOTAGE_DROP) {
		/* The record is sealed as usual; its key never reaches the kernel. */
		get_random_bytes(image->gmem_handover_key,
				 sizeof(image->gmem_handover_key));
		image->gmem_handover_armed = true;
		pr_warn("hand-over data left out of this kexec on purpose (debugfs knob)\n");
		return 0;
	}
	image->gmem_handover_size = gmem_handover_boot_size(gmem_ho_boot_nr_pools());
	return image->gmem_handover_size;
}

static void gmem_ho_boot_fill(struct gmem_handover_boot *b, u32 nr_pools,
			      const u64 *key)
{
	const struct gmem_pool *home = gmem_carveout_record_pool();
	const struct gmem_pool *pool;
	u32 i = 0;

	memset(b, 0, gmem_handover_boot_size(nr_pools));
	b->magic = cpu_to_le64(GMEM_HANDOVER_BOOT_MAGIC);
	b->version = cpu_to_le32(GMEM_HANDOVER_BOOT_VERSION);
	b->nr_pools = cpu_to_le32(nr_pools);
	b->key[0] = cpu_to_le64(key[0]);
	b->key[1] = cpu_to_le64(key[1]);
	b->record_phys = cpu_to_le64(home->layout.base + home->layout.record_off);
	b->record_room = cpu_to_le64(home->layout.record_room);
	b->chunk_shift = cpu_to_le32(home->layout.chunk_shift);
	for (pool = gmem_pool_next(NULL); pool && i < nr_pools;
	     pool = gmem_pool_next(pool)) {
		b->pools[i].nid = cpu_to_le32(pool->nid);
		b->pools[i].base = cpu_to_le64(pool->layout.base);
		b->pools[i].capacity = cpu_to_le64(pool->layout.want);
		i++;
	}
}

/**
 * gmem_handover_kexec_data() - write the hand-over data of an image
 * @image: the image kexec_file_load() is building, with the kexec lock
 *	held; its key is set here
 * @buf: where the architecture wants the blob, the
 *	@image->gmem_handover_size bytes gmem_handover_kexec_reserve() asked
 *
 * Every call makes a new key, so that a record sealed for one image is
 * never trusted by the kernel of another.
 *
 * Return: the bytes written, 0 if the image carries no hand-over data.
 */
size_t gmem_handover_kexec_data(struct kimage *image, void *buf)
{
	u32 nr_pools = gmem_ho_boot_nr_pools();
	size_t size = gmem_handover_boot_size(nr_pools);

	/* The pools are fixed at boot: the size cannot have changed. */
	if (!image->gmem_handover_size ||
	    WARN_ON_ONCE(size != image->gmem_handover_size))
		return 0;
	get_random_bytes(image->gmem_handover_key,
			 sizeof(image->gmem_handover_key));
	gmem_ho_boot_fill(buf, nr_pools, image->gmem_handover_key);
	image->gmem_handover_armed = true;
	return size;
}

/* Checks of the blob, in CPU byte order; see struct gmem_handover_boot. */
static bool __init gmem_ho_boot_ok(const struct gmem_handover_boot *b,
				   u32 len)
{
	u32 n, i, shift;

	if (len < sizeof(*b) || le64_to_cpu(b->magic) != GMEM_HANDOVER_BOOT_MAGIC ||
	    le32_to_cpu(b->version) != GMEM_HANDOVER_BOOT_VERSION || b->flags)
		return false;
	n = le32_to_cpu(b->nr_pools);
	shift = le32_to_cpu(b->chunk_shift);
	if (!n || n > GMEM_POOL_MAX_REQUESTS || len < gmem_handover_boot_size(n) ||
	    (shift != GMEM_POOL_CHUNK_SHIFT_2M &&
	     shift != GMEM_POOL_CHUNK_SHIFT_1G))
		return false;
	for (i = 0; i < n; i++)
		if (le32_to_cpu(b->pools[i].nid) >= MAX_NUMNODES ||
		    (i && le32_to_cpu(b->pools[i].nid) <=
			  le32_to_cpu(b->pools[i - 1].nid)) ||
		    !b->pools[i].capacity)
			return false;
	return true;
}

/* The lowest node keeps the record room, as gmem_pool_assign_room() says. */
static void __init gmem_ho_boot_take(const struct gmem_handover_boot *b)
{
	u32 i, n = le32_to_cpu(b->nr_pools);

	for (i = 0; i < n; i++)
		gmem_ho_boot_reqs[i] = (struct gmem_pool_request) {
			.nid = le32_to_cpu(b->pools[i].nid),
			.size = le64_to_cpu(b->pools[i].capacity),
			.phys = le64_to_cpu(b->pools[i].base),
			.fixed = true,
			.record_room = i ? 0 : le64_to_cpu(b->record_room),
		};
	gmem_pool_set_requests(gmem_ho_boot_reqs, n,
			       le32_to_cpu(b->chunk_shift));
	gmem_ho_boot.present = true;
	gmem_ho_boot.key[0] = le64_to_cpu(b->key[0]);
	gmem_ho_boot.key[1] = le64_to_cpu(b->key[1]);
	gmem_ho_boot.record_phys = le64_to_cpu(b->record_phys);
	gmem_ho_boot.record_room = le64_to_cpu(b->record_room);
}

/**
 * gmem_handover_parse_boot_data() - take the hand-over data of the kexec
 * @pa: physical address of the blob (x86: the payload of a setup_data)
 * @len: its length in bytes
 *
 * Called by the architecture's setup code while it walks the boot data,
 * before the command line is parsed.  A malformed blob is ignored, with
 * one message: the pools are then placed from the command line and no
 * record is trusted.  The key is wiped from the boot data in any case.
 */
void __init gmem_handover_parse_boot_data(u64 pa, u32 len)
{
	struct gmem_handover_boot *b;

	if (gmem_ho_boot.present || len < sizeof(*b))
		return;
	len = min_t(u32, len, gmem_handover_boot_size(GMEM_POOL_MAX_REQUESTS));
	b = early_memremap(pa, len);
	if (!b) {
		pr_err("cannot map the hand-over data: no record is trusted\n");
		return;
	}
	if (gmem_ho_boot_ok(b, len))
		gmem_ho_boot_take(b);
	else
		pr_err("malformed hand-over data: pools placed from the command line, no record is trusted\n");
	memzero_explicit(b->key, sizeof(b->key));
	early_memunmap(b, len);
}

/**
 * gmem_handover_boot_info() - what the kexec told this kernel
 * @info: filled with it; @info->present is false after a cold boot
 *
 * The key is wiped from this file's copy: only one caller may ask.
 */
void __init gmem_handover_boot_info(struct gmem_handover_boot_info *info)
{
	*info = gmem_ho_boot;
	memzero_explicit(&gmem_ho_boot, sizeof(gmem_ho_boot));
}
