// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the fuzzer's seed corpus into the directory given as argument:
 * the reference record, each of its corruptions, and a small synthetic
 * record, so that no binary file needs to live in git.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gmem_handover_record_test.h"

static u64 buf[4096];

static int put(const char *dir, const char *name, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char name[32];
	long len;
	size_t i;
	int ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	len = ho_t_build(buf, sizeof(buf));
	if (len < 0)
		return 1;
	ret |= put(argv[1], "reference", len);
	for (i = 0; i < ARRAY_SIZE(ho_t_cases); i++) {
		ho_t_build(buf, sizeof(buf));
		ho_t_corrupt(buf, len, &ho_t_cases[i]);
		snprintf(name, sizeof(name), "corrupt-%02zu", i);
		ret |= put(argv[1], name, len);
	}
	len = ho_t_build_big(buf, sizeof(buf), 512, 4);
	if (len < 0)
		return 1;
	ret |= put(argv[1], "synthetic-1g", len);
	return ret;
}
