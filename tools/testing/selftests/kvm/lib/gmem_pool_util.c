// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the gmem pool selftests and benchmarks.
 */
#include <stdio.h>
#include <string.h>

#include "gmem_pool_util.h"

#define PTDUMP_FILE	"/sys/kernel/debug/page_tables/current_kernel"

static int ptdump_level(const char *line)
{
	static const char * const names[GMEM_POOL_NR_LEVELS] = {
		[GMEM_POOL_PTE] = " pte\n",
		[GMEM_POOL_PMD] = " pmd\n",
		[GMEM_POOL_PUD] = " pud\n",
	};
	size_t len = strlen(line);
	int i;

	for (i = 0; i < GMEM_POOL_NR_LEVELS; i++)
		if (len > strlen(names[i]) &&
		    !strcmp(line + len - strlen(names[i]), names[i]))
			return i;
	return -1;
}

/*
 * One line per run of entries with the same level and protection:
 * "0x<start>-0x<end>   <size> <prot...> <level>"; a run that is not
 * present has no "RW" or "ro" in its protection.
 */
bool gmem_pool_host_levels(const void *start, uint64_t len,
			   uint64_t bytes[GMEM_POOL_NR_LEVELS])
{
	uint64_t lo = (uintptr_t)start, hi = lo + len, s, e;
	char line[256];
	bool user = false;
	FILE *f;
	int lvl;

	memset(bytes, 0, sizeof(*bytes) * GMEM_POOL_NR_LEVELS);
	f = fopen(PTDUMP_FILE, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "---[ ", 5)) {
			user = !!strstr(line, "User Space");
			continue;
		}
		if (!user || sscanf(line, "0x%lx-0x%lx", &s, &e) != 2)
			continue;
		lvl = ptdump_level(line);
		if (lvl < 0 || (!strstr(line, " RW ") && !strstr(line, " ro ")))
			continue;
		if (e > lo && s < hi)
			bytes[lvl] += (e < hi ? e : hi) - (s > lo ? s : lo);
	}
	fclose(f);
	return true;
}
