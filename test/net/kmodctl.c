// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmodctl - voipfw.ko's netlink family by hand, for the tests
 * (test/vm/kmod.sh); voipfwd does the same through userspace/kmod.
 *
 *   kmodctl [--abi-version N] [--abi-size N] [--pose-version N] hello
 *   kmodctl set PORTS IDLE_MS [CLASS=RATE/BURST]... [over:CLASS=RATE/BURST]...
 *               [pat:PATTERN]... [disabled]
 *   kmodctl stats
 *
 * PORTS: comma separated; CLASS: register, invite, options, other; RATE in
 * thousandths of a message per second.  Unset limits are 0/0 (drop all).
 * --abi-version/--abi-size pose as a build from another voipfw_uapi.h;
 * --pose-version N shakes hands right, then sends version N (the module's
 * own check must refuse it).
 * Exit status: 0 done, 1 refused or failed (message on stderr), 2 usage,
 * 3 the module is not loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmod/vfkmod.h"

static const char *const class_names[__VOIPFW_CLASS_MAX] = {
	"register", "invite", "options", "other",
};

static int usage(void)
{
	fprintf(stderr, "usage: kmodctl [--abi-version N] [--abi-size N] hello|stats|set PORTS IDLE_MS [CLASS=RATE/BURST]... [over:CLASS=RATE/BURST]... [pat:P]... [disabled]\n");
	return 2;
}

static int parse_limit(const char *s, struct voipfw_limit *tab)
{
	unsigned int c;
	char *end;

	for (c = 0; c < __VOIPFW_CLASS_MAX; c++) {
		size_t n = strlen(class_names[c]);

		if (!strncmp(s, class_names[c], n) && s[n] == '=') {
			tab[c].milli_per_sec = (uint32_t)strtoul(s + n + 1, &end, 10);
			if (*end != '/')
				return -1;
			tab[c].burst = (uint32_t)strtoul(end + 1, &end, 10);
			return *end ? -1 : 0;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	uint32_t ver = VOIPFW_ABI_VERSION, size = sizeof(struct voipfw_config), pose = 0;
	const char *pats[VOIPFW_PATTERNS_MAX];
	enum vfkmod_status st;
	struct vfkmod *k;
	char err[512];
	int i = 1, ret = 1;

	for (; i + 1 < argc && (!strncmp(argv[i], "--abi-", 6) ||
				 !strcmp(argv[i], "--pose-version")); i += 2) {
		if (!strcmp(argv[i], "--abi-version"))
			ver = (uint32_t)strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--pose-version"))
			pose = (uint32_t)strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--abi-size"))
			size = (uint32_t)strtoul(argv[i + 1], NULL, 0);
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	k = vfkmod_open(ver, size, &st, err, sizeof(err));
	if (!k) {
		fprintf(stderr, "kmodctl: %s\n", err);
		return st == VFKMOD_ABSENT ? 3 : 1;
	}
	if (pose)
		vfkmod_pose(k, pose, size);
	if (!strcmp(argv[i], "hello")) {
		printf("abi %u config %u max-sources %u\n", ver, size,
		       vfkmod_max_sources(k));
		ret = 0;
	} else if (!strcmp(argv[i], "stats")) {
		uint64_t v[__VOIPFW_S_MAX];
		unsigned int s;

		if (vfkmod_get_stats(k, v, err, sizeof(err)) < 0) {
			fprintf(stderr, "kmodctl: stats: %s\n", err);
			goto out;
		}
		for (s = 0; s < __VOIPFW_S_MAX; s++)
			if (vfkmod_stat_name(s))
				printf("%s %llu\n", vfkmod_stat_name(s),
				       (unsigned long long)v[s]);
		ret = 0;
	} else if (!strcmp(argv[i], "set") && i + 2 < argc) {
		struct voipfw_config c = { .flags = VOIPFW_F_ENABLED };
		unsigned int np = 0;
		char *p, *save = NULL;

		for (p = strtok_r(argv[i + 1], ",", &save); p; p = strtok_r(NULL, ",", &save))
			if (c.n_ports < VOIPFW_PORTS_MAX)
				c.ports[c.n_ports++] = (uint16_t)atoi(p);
		c.idle_ms = (uint32_t)strtoul(argv[i + 2], NULL, 10);
		for (i += 3; i < argc; i++) {
			if (!strncmp(argv[i], "over:", 5)) {
				if (parse_limit(argv[i] + 5, c.overflow) < 0)
					return usage();
			} else if (!strncmp(argv[i], "pat:", 4)) {
				if (np < VOIPFW_PATTERNS_MAX)
					pats[np++] = argv[i] + 4;
			} else if (!strcmp(argv[i], "disabled")) {
				c.flags &= ~VOIPFW_F_ENABLED;
			} else if (parse_limit(argv[i], c.limit) < 0) {
				return usage();
			}
		}
		if (vfkmod_set_config(k, &c, pats, np, err, sizeof(err)) < 0) {
			fprintf(stderr, "kmodctl: set: %s\n", err);
			goto out;
		}
		ret = 0;
	} else {
		ret = usage();
	}
out:
	vfkmod_close(k);
	return ret;
}
