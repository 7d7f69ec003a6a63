// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_sip.c - `voipfwctl check-sip`: judge raw SIP messages from files.
 *
 * Output (one line per file, stable for scripts):
 *   FILE: pass
 *   FILE: drop: TOKEN: detail (offending bytes)
 * and with --media, after each pass line, one line per stream to open:
 *     media TYPE ADDR RTP_PORT RTCP_PORT|mux PROTO DIRECTION
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "inspect/inspect.h"

/* A SIP datagram is at most 65535 bytes; so is a file check-sip reads. */
#define CHECK_SIP_MAX	65535

static const struct option check_sip_opts[] = {
	{ "policy",	required_argument,	NULL, 'p' },
	{ "media",	no_argument,		NULL, 'm' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void check_sip_help(FILE *out)
{
	fprintf(out,
		"Usage: voipfwctl check-sip [--policy default|strict] [--media] FILE...\n\n"
		"Reads each FILE as one raw SIP message (bytes as on the wire) and\n"
		"prints 'FILE: pass' or 'FILE: drop: REASON'.\n\n"
		"  -p, --policy LEVEL  default: pass what real user agents send when\n"
		"                      its meaning is unambiguous (the default);\n"
		"                      strict: drop every RFC 3261 grammar violation\n"
		"  -m, --media         after each pass line, list the media streams a\n"
		"                      firewall must open:\n"
		"                        media TYPE ADDR RTP_PORT RTCP_PORT|mux PROTO DIRECTION\n"
		"  -h, --help          this help\n\n"
		"Exit status: 0 all passed, 1 any dropped, 2 usage or I/O error.\n");
}

/* Read a whole file into @buf; returns its length or -1 (errno set). */
static long read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, size, f);
	if (ferror(f)) {
		fclose(f);
		errno = EIO;
		return -1;
	}
	/* one byte more than the limit tells us the file is too large */
	if (n == size) {
		fclose(f);
		errno = EFBIG;
		return -1;
	}
	fclose(f);
	return (long)n;
}

static void print_media(FILE *out, const struct sdp *sdp)
{
	struct sdp_stream st;
	unsigned int iter = 0;

	while (sdp_stream_next(sdp, &iter, &st)) {
		fprintf(out, "  media %.*s %.*s %u ",
			(int)st.media->type.len, st.media->type.p,
			(int)st.addr->text.len, st.addr->text.p,
			st.rtp_port);
		if (st.rtcp_port)
			fprintf(out, "%u", st.rtcp_port);
		else
			fprintf(out, "mux");
		fprintf(out, " %.*s %s\n", (int)st.media->proto_text.len,
			st.media->proto_text.p,
			sdp_direction_str(st.media->direction));
	}
}

static int check_sip_run(int argc, char **argv, FILE *out, FILE *err)
{
	enum sip_strictness level = SIP_POLICY_DEFAULT;
	struct inspect_result *res = NULL;
	bool media = false, dropped = false;
	char *buf = NULL, reason[256];
	int c, i, rc = CTL_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:mh", check_sip_opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (sip_strictness_parse(optarg, &level)) {
				fprintf(err, "voipfwctl check-sip: unknown policy '%s' "
					"(default or strict)\n", optarg);
				return CTL_EXIT_USAGE;
			}
			break;
		case 'm':
			media = true;
			break;
		case 'h':
			check_sip_help(out);
			return CTL_EXIT_OK;
		default:
			check_sip_help(err);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(err, "voipfwctl check-sip: no FILE given\n");
		check_sip_help(err);
		return CTL_EXIT_USAGE;
	}

	buf = malloc(CHECK_SIP_MAX + 1);
	res = malloc(sizeof(*res));
	if (!buf || !res) {
		fprintf(err, "voipfwctl check-sip: out of memory\n");
		rc = CTL_EXIT_USAGE;
		goto out;
	}
	for (i = optind; i < argc; i++) {
		long len = read_file(argv[i], buf, CHECK_SIP_MAX + 1);

		if (len < 0) {
			fprintf(err, "voipfwctl check-sip: %s: %s\n", argv[i],
				errno == EFBIG ? "larger than 65535 bytes"
					       : strerror(errno));
			rc = CTL_EXIT_USAGE;
			continue;
		}
		inspect_message(buf, (size_t)len, level, res);
		if (!res->verdict_pass) {
			dropped = true;
			fprintf(out, "%s: drop: %s\n", argv[i],
				inspect_format_reason(&res->drop, reason,
						      sizeof(reason)));
			continue;
		}
		fprintf(out, "%s: pass\n", argv[i]);
		if (media && res->has_sdp)
			print_media(out, &res->sdp);
	}
	if (rc == CTL_EXIT_OK && dropped)
		rc = CTL_EXIT_DROP;
out:
	free(res);
	free(buf);
	if (fflush(out) == EOF) {
		fprintf(err, "voipfwctl check-sip: write error: %s\n",
			strerror(errno));
		rc = CTL_EXIT_USAGE;
	}
	return rc;
}

const struct ctl_cmd_ops ctl_cmd_check_sip = {
	.name		= "check-sip",
	.summary	= "judge raw SIP messages read from files",
	.usage		= "[--policy default|strict] [--media] FILE...",
	.run		= check_sip_run,
	.help		= check_sip_help,
};
