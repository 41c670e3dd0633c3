// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the gmem_pool= and gmem_pool_chunk= parsers.
 *
 * DOC: gmem_pool_param KUnit suite
 *
 * Table driven: each valid string comes with the requests it must yield,
 * each invalid one must give -EINVAL.  Rejected strings log one line each.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/sizes.h>

#include "gmem_carveout.h"

#define GMEM_TEST_MAX_REQS	4

struct gmem_param_case {
	const char *str;
	int n;
	struct gmem_pool_request reqs[GMEM_TEST_MAX_REQS];
};

static const struct gmem_param_case gmem_param_valid[] = {
	{ "512M", 1, { { 0, SZ_512M, 0, false } } },
	{ "0:512M,1:512M", 2, { { 0, SZ_512M, 0, false },
				{ 1, SZ_512M, 0, false } } },
	{ "1:1G@0x140000000", 1, { { 1, SZ_1G, 0x140000000ULL, true } } },
	{ "3:2G,0:4096K@4G", 2, { { 3, SZ_2G, 0, false },
				  { 0, SZ_4M, SZ_4G, true } } },
	{ "1073741824", 1, { { 0, SZ_1G, 0, false } } },
	{ "0:1M,1:1M,2:1M,3:1M", 4, { { 0, SZ_1M }, { 1, SZ_1M },
				      { 2, SZ_1M }, { 3, SZ_1M } } },
};

static const char * const gmem_param_invalid[] = {
	"",		/* empty */
	",",		/* empty entry */
	"512M,",	/* trailing empty entry */
	"0:",		/* missing size */
	":512M",	/* missing node id */
	"x:512M",	/* node id not a number */
	"-1:512M",	/* negative node id */
	"1a:512M",	/* junk in node id */
	"99999:512M",	/* node id far too long */
	"0",		/* zero size */
	"0:0M",		/* zero size with a node */
	"512Mx",	/* trailing garbage */
	"512M@",	/* missing address */
	"512M@4Gz",	/* garbage after the address */
	"512M 1G",	/* space is not a separator */
	"0:512M,0:1G",	/* node listed twice */
	"512M,1G",	/* node 0 listed twice, implicitly */
	"0:1M,1:1M,2:1M,3:1M,4:1M",	/* more entries than the table */
	"0:1:512M",	/* two node ids */
};

static void gmem_pool_test_parse_valid(struct kunit *test)
{
	struct gmem_pool_request reqs[GMEM_TEST_MAX_REQS];
	unsigned int i;
	int j, n;

	for (i = 0; i < ARRAY_SIZE(gmem_param_valid); i++) {
		const struct gmem_param_case *c = &gmem_param_valid[i];

		n = gmem_pool_parse(c->str, reqs, ARRAY_SIZE(reqs));
		KUNIT_ASSERT_EQ_MSG(test, n, c->n, "input \"%s\"", c->str);
		for (j = 0; j < n; j++) {
			KUNIT_EXPECT_EQ_MSG(test, reqs[j].nid, c->reqs[j].nid,
					    "input \"%s\" entry %d", c->str, j);
			KUNIT_EXPECT_EQ_MSG(test, reqs[j].size, c->reqs[j].size,
					    "input \"%s\" entry %d", c->str, j);
			KUNIT_EXPECT_EQ_MSG(test, reqs[j].fixed,
					    c->reqs[j].fixed,
					    "input \"%s\" entry %d", c->str, j);
			KUNIT_EXPECT_EQ_MSG(test, reqs[j].phys, c->reqs[j].phys,
					    "input \"%s\" entry %d", c->str, j);
		}
	}
}

static void gmem_pool_test_parse_invalid(struct kunit *test)
{
	struct gmem_pool_request reqs[GMEM_TEST_MAX_REQS];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gmem_param_invalid); i++)
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    gmem_pool_parse(gmem_param_invalid[i], reqs,
						    ARRAY_SIZE(reqs)),
				    "input \"%s\"", gmem_param_invalid[i]);
}

static void gmem_pool_test_parse_node_range(struct kunit *test)
{
	struct gmem_pool_request req;
	char s[32];

	snprintf(s, sizeof(s), "%d:1G", MAX_NUMNODES - 1);
	KUNIT_EXPECT_EQ(test, gmem_pool_parse(s, &req, 1), 1);
	KUNIT_EXPECT_EQ(test, req.nid, MAX_NUMNODES - 1);
	snprintf(s, sizeof(s), "%d:1G", MAX_NUMNODES);
	KUNIT_EXPECT_EQ(test, gmem_pool_parse(s, &req, 1), -EINVAL);
}

static void gmem_pool_test_parse_table_bound(struct kunit *test)
{
	struct gmem_pool_request reqs[2] = { };

	/* The table is exactly full: fine.  One more entry: rejected. */
	KUNIT_EXPECT_EQ(test, gmem_pool_parse("0:1G,1:1G", reqs, 2), 2);
	KUNIT_EXPECT_EQ(test, gmem_pool_parse("0:1G,1:1G,2:1G", reqs, 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_pool_parse("0:1G", reqs, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, gmem_pool_parse(NULL, reqs, 2), -EINVAL);
}

static const struct {
	const char *str;
	int ret;
	unsigned int shift;
} gmem_chunk_cases[] = {
	{ "2M", 0, GMEM_POOL_CHUNK_SHIFT_2M },
	{ "1G", 0, GMEM_POOL_CHUNK_SHIFT_1G },
	{ "2048K", 0, GMEM_POOL_CHUNK_SHIFT_2M },
	{ "1024M", 0, GMEM_POOL_CHUNK_SHIFT_1G },
	{ "4K", -EINVAL },
	{ "4M", -EINVAL },
	{ "2G", -EINVAL },
	{ "0", -EINVAL },
	{ "", -EINVAL },
	{ "2Mx", -EINVAL },
	{ "M", -EINVAL },
	{ "-2M", -EINVAL },
};

static void gmem_pool_test_parse_chunk(struct kunit *test)
{
	unsigned int i, shift;
	int ret;

	for (i = 0; i < ARRAY_SIZE(gmem_chunk_cases); i++) {
		shift = 0;
		ret = gmem_pool_parse_chunk(gmem_chunk_cases[i].str, &shift);
		KUNIT_EXPECT_EQ_MSG(test, ret, gmem_chunk_cases[i].ret,
				    "input \"%s\"", gmem_chunk_cases[i].str);
		if (!ret)
			KUNIT_EXPECT_EQ_MSG(test, shift,
					    gmem_chunk_cases[i].shift,
					    "input \"%s\"",
					    gmem_chunk_cases[i].str);
	}
	KUNIT_EXPECT_EQ(test, gmem_pool_parse_chunk(NULL, &shift), -EINVAL);
}

static struct kunit_case gmem_pool_param_cases[] = {
	KUNIT_CASE(gmem_pool_test_parse_valid),
	KUNIT_CASE(gmem_pool_test_parse_invalid),
	KUNIT_CASE(gmem_pool_test_parse_node_range),
	KUNIT_CASE(gmem_pool_test_parse_table_bound),
	KUNIT_CASE(gmem_pool_test_parse_chunk),
	{}
};

static struct kunit_suite gmem_pool_param_suite = {
	.name = "gmem_pool_param",
	.test_cases = gmem_pool_param_cases,
};

kunit_test_suite(gmem_pool_param_suite);

MODULE_DESCRIPTION("KUnit tests of the gmem_pool= boot parameter parser");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
