// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the fuzzer's seed corpus into the directory given as argument:
 * the reference record, each of its corruptions, the version 2 record and
 * its corruptions, the encoder script's record, a record with a chunk held
 * twice, small synthetic records of both layouts and one with every
 * session the format allows and poisoned chunks held and free, so that no
 * binary file needs to live in git.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gmem_handover_record_test.h"

/* 1 GiB of 2 MiB chunks, for the synthetic records. */
#define SEED_BIG_CHUNKS		512
/* Files per session of the record with every session. */
#define SEED_SESSION_FILES	2
/* Its poisoned chunks: every SEED_POISON_STEP-th, held or free. */
#define SEED_POISONED		64
#define SEED_POISON_STEP	5

static u64 buf[4096];

static int put(const char *dir, const char *name, long len)
{
	char path[256];
	FILE *f;

	if (len < 0) {
		fprintf(stderr, "%s: cannot build (%ld)\n", name, len);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != (size_t)len || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

/*
 * Every session of the format, two files each, one chunk per file (chunks
 * 0 to 127), and poisoned chunks 0, 5, ... 315, the first held, the last
 * free.
 */
static long build_sessions(void)
{
	static const struct gmem_handover_pool pool = {
		.nid = 0, .chunk_shift = GMEM_HANDOVER_SHIFT_2M,
		.base = SZ_1G, .size = SZ_1G, .chunk_base = SZ_1G,
		.nr_chunks = SZ_1G / SZ_2M,
	};
	struct gmem_handover_file_info fi = {
		.size = 2 * SZ_2M, .nid = 0, .nr_slots = 2, .nr_extents = 1,
	};
	struct gmem_handover_enc enc;
	char name[GMEM_HANDOVER_NAME_LEN];
	u32 s, f, chunk = 0;
	size_t out;
	int ret;

	ret = gmem_handover_begin(&enc, buf, sizeof(buf), 1,
				  GMEM_HANDOVER_MAX_SESSIONS,
				  GMEM_HANDOVER_MAX_SESSIONS * SEED_SESSION_FILES,
				  GMEM_HANDOVER_MAX_SESSIONS * SEED_SESSION_FILES,
				  SEED_POISONED, 3, ho_t_key);
	if (!ret)
		ret = gmem_handover_add_node(&enc, &pool);
	for (s = 0; !ret && s < GMEM_HANDOVER_MAX_SESSIONS; s++) {
		snprintf(name, sizeof(name), "vm-%02u", s);
		ret = gmem_handover_add_session(&enc, name, SEED_SESSION_FILES);
		for (f = 0; !ret && f < SEED_SESSION_FILES; f++) {
			fi.token = f;
			ret = gmem_handover_add_file(&enc, &fi);
			if (!ret)
				ret = gmem_handover_add_extent(&enc, f, chunk++,
							       1);
		}
	}
	for (s = 0; !ret && s < SEED_POISONED; s++)
		ret = gmem_handover_add_poisoned(&enc, 0, s * SEED_POISON_STEP);
	if (!ret)
		ret = gmem_handover_finish(&enc, &out);
	return ret ? ret : (long)out;
}

int main(int argc, char **argv)
{
	size_t out;
	char name[64];
	long len;
	size_t i;
	int got, ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	len = ho_t_build(buf, sizeof(buf));
	ret |= put(argv[1], "reference", len);
	for (i = 0; len > 0 && i < ARRAY_SIZE(ho_t_cases); i++) {
		ho_t_build(buf, sizeof(buf));
		ho_t_corrupt(buf, len, &ho_t_cases[i]);
		snprintf(name, sizeof(name), "corrupt-%02zu", i);
		ret |= put(argv[1], name, len);
	}
	memcpy(buf, ho_t_v2_record, HO_T_V2_LEN);
	ret |= put(argv[1], "v2", HO_T_V2_LEN);
	for (i = 0; i < ARRAY_SIZE(ho_t_v2_cases); i++) {
		memcpy(buf, ho_t_v2_record, HO_T_V2_LEN);
		ho_t_corrupt(buf, HO_T_V2_LEN, &ho_t_v2_cases[i]);
		snprintf(name, sizeof(name), "v2-corrupt-%02zu", i);
		ret |= put(argv[1], name, HO_T_V2_LEN);
	}
	len = ho_t_run_script(buf, sizeof(buf), &got, &out) < 0 ? (long)out : -1;
	ret |= put(argv[1], "script", len);
	ret |= put(argv[1], "dup-chunk", ho_t_build_dup(buf, sizeof(buf)));
	ret |= put(argv[1], "synthetic-1g-one-extent",
		   ho_t_build_big(buf, sizeof(buf), SEED_BIG_CHUNKS,
				  HO_T_ONE_EXTENT));
	ret |= put(argv[1], "synthetic-1g-per-chunk",
		   ho_t_build_big(buf, sizeof(buf), SEED_BIG_CHUNKS,
				  HO_T_PER_CHUNK));
	ret |= put(argv[1], "sessions", build_sessions());
	return ret;
}
