// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_body.c - body_media_type(), body_multipart_next() and
 * body_find_sdp(), row by row.
 *
 *   media-type     = m-type SLASH m-subtype *(SEMI m-parameter)
 *                                                  (RFC 3261 20.15)
 *   multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF
 *                     body-part *encapsulation close-delimiter
 *                     transport-padding [CRLF epilogue]
 *   delimiter      := CRLF dash-boundary           (RFC 2046 5.1.1)
 *
 * The CRLF before a delimiter belongs to the delimiter, so a part's
 * content ends before it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "sdp/body.h"

#define CRLF	"\r\n"
#define SDPTXT	"v=0" CRLF "o=- 1 1 IN IP4 192.0.2.1" CRLF "s=-" CRLF \
		"c=IN IP4 192.0.2.1" CRLF "t=0 0" CRLF "m=audio 49170 RTP/AVP 0"
#define CT_SDP	"Content-Type: application/sdp" CRLF
#define CT_ISUP	"Content-Type: application/isup;version=itu-t92+" CRLF
#define MIXED	"multipart/mixed;boundary=unique-boundary-1"
#define DELIM	"--unique-boundary-1"
#define CLOSE	"--unique-boundary-1--"

/* ---- body_media_type -------------------------------------------------- */

static const struct {
	const char	*in;
	int		rc;
	const char	*type, *subtype, *params;	/* NULL params: absent */
} media_type_cases[] = {
	{ "application/sdp",	0, "application", "sdp", NULL },
	{ "Application/SDP",	0, "Application", "SDP", NULL },
	{ MIXED,		0, "multipart", "mixed",
	  "boundary=unique-boundary-1" },
	{ " multipart / mixed ; boundary=x", 0, "multipart", "mixed",
	  " boundary=x" },
	{ "text/plain;charset=\"utf-8\"", 0, "text", "plain",
	  "charset=\"utf-8\"" },
	{ "application/vnd.3gpp.sms+xml", 0, "application",
	  "vnd.3gpp.sms+xml", NULL },
	{ "application",	-1, NULL, NULL, NULL },
	{ "application/",	-1, NULL, NULL, NULL },
	{ "/sdp",		-1, NULL, NULL, NULL },
	{ "",			-1, NULL, NULL, NULL },
	{ "application/sdp junk", -1, NULL, NULL, NULL },
	{ "app lication/sdp",	-1, NULL, NULL, NULL },
	{ "application/sdp/x",	-1, NULL, NULL, NULL },
};

static void run_media_type_case(unsigned int i)
{
	const char *in = media_type_cases[i].in;
	size_t len = strlen(in);
	char *buf = malloc(len ? len : 1);
	struct span type, subtype, params;
	int rc;

	unit_case("body_media_type \"%s\"", in);
	if (!CHECK(buf))
		return;
	memcpy(buf, in, len);
	rc = body_media_type(span_make(buf, len), &type, &subtype, &params);
	CHECK_INT(rc, media_type_cases[i].rc);
	if (rc == 0 && media_type_cases[i].rc == 0) {
		CHECK_SPAN(type, media_type_cases[i].type);
		CHECK_SPAN(subtype, media_type_cases[i].subtype);
		CHECK_SPAN(params, media_type_cases[i].params);
	}
	free(buf);
}

/* ---- body_find_sdp ---------------------------------------------------- */

/**
 * struct sdp_case - a body with its Content-Type.
 * @rc:    body_find_sdp(): 1 found, 0 no SDP, -1 malformed multipart
 * @fatal: reason token when @rc is -1
 * @sdp:   the SDP it must find (when @rc is 1)
 */
struct find_case {
	const char	*name;
	const char	*ct;
	const char	*body;
	int		rc;
	const char	*fatal;
	const char	*sdp;
};

static const struct find_case find_cases[] = {
	{ "application/sdp directly", "application/sdp", SDPTXT CRLF,
	  1, NULL, SDPTXT CRLF },
	{ "type and subtype are case-insensitive", "Application/SDP",
	  SDPTXT, 1, NULL, SDPTXT },
	{ "application/sdp with a parameter", "application/sdp;charset=utf-8",
	  SDPTXT, 1, NULL, SDPTXT },
	{ "text/plain", "text/plain", "v=0" CRLF, 0, NULL, NULL },
	{ "no Content-Type", "", SDPTXT, 0, NULL, NULL },
	{ "unreadable Content-Type", "application", SDPTXT, 0, NULL, NULL },
	{ "multipart/mixed, SDP first", MIXED,
	  DELIM CRLF CT_SDP CRLF SDPTXT CRLF
	  DELIM CRLF CT_ISUP CRLF "isup-bytes" CRLF
	  CLOSE CRLF,
	  1, NULL, SDPTXT },
	{ "multipart/mixed, SDP second", MIXED,
	  DELIM CRLF CT_ISUP CRLF "isup-bytes" CRLF
	  DELIM CRLF CT_SDP CRLF SDPTXT CRLF
	  CLOSE CRLF,
	  1, NULL, SDPTXT },
	{ "SDP part keeps its own final CRLF", MIXED,
	  DELIM CRLF CT_SDP CRLF SDPTXT CRLF CRLF CLOSE,
	  1, NULL, SDPTXT CRLF },
	{ "quoted boundary with a space",
	  "multipart/mixed; boundary=\"simple boundary\"",
	  "--simple boundary" CRLF CT_SDP CRLF SDPTXT CRLF
	  "--simple boundary--" CRLF,
	  1, NULL, SDPTXT },
	{ "boundary parameter name in upper case",
	  "multipart/mixed;BOUNDARY=unique-boundary-1",
	  DELIM CRLF CT_SDP CRLF SDPTXT CRLF CLOSE CRLF, 1, NULL, SDPTXT },
	{ "preamble, epilogue and transport padding", MIXED,
	  "This is the preamble." CRLF
	  DELIM "  " CRLF CT_SDP CRLF SDPTXT CRLF
	  CLOSE " " CRLF "This is the epilogue." CRLF,
	  1, NULL, SDPTXT },
	{ "a part without headers is text/plain", MIXED,
	  DELIM CRLF CRLF "v=0 but text" CRLF
	  DELIM CRLF CT_SDP CRLF SDPTXT CRLF CLOSE CRLF,
	  1, NULL, SDPTXT },
	{ "part header names are case-insensitive, folds allowed", MIXED,
	  DELIM CRLF "content-type:" CRLF " application/sdp" CRLF
	  "Content-Disposition: session" CRLF CRLF SDPTXT CRLF CLOSE CRLF,
	  1, NULL, SDPTXT },
	{ "multipart/alternative",
	  "multipart/alternative;boundary=unique-boundary-1",
	  DELIM CRLF CT_SDP CRLF SDPTXT CRLF CLOSE CRLF, 1, NULL, SDPTXT },
	{ "multipart/related",
	  "multipart/related;type=\"application/sdp\";boundary=unique-boundary-1",
	  DELIM CRLF CT_SDP CRLF SDPTXT CRLF CLOSE CRLF, 1, NULL, SDPTXT },
	{ "nested multipart", MIXED,
	  DELIM CRLF CT_ISUP CRLF "isup-bytes" CRLF
	  DELIM CRLF "Content-Type: multipart/alternative;boundary=inner" CRLF CRLF
	  "--inner" CRLF "Content-Type: text/plain" CRLF CRLF "hello" CRLF
	  "--inner" CRLF CT_SDP CRLF SDPTXT CRLF
	  "--inner--" CRLF
	  CLOSE CRLF,
	  1, NULL, SDPTXT },
	{ "bare LF line ends", MIXED,
	  DELIM "\n" CT_ISUP "\n" "isup\n"
	  DELIM "\n" "Content-Type: application/sdp\n\nv=0\ns=-\n"
	  CLOSE "\n",
	  1, NULL, "v=0\ns=-" },
	{ "no SDP part", MIXED,
	  DELIM CRLF CT_ISUP CRLF "isup-bytes" CRLF
	  DELIM CRLF "Content-Type: text/plain" CRLF CRLF "hello" CRLF
	  CLOSE CRLF,
	  0, NULL, NULL },
	{ "a delimiter must start a line", MIXED,
	  "x" DELIM CRLF CT_SDP CRLF SDPTXT CRLF "x" CLOSE CRLF,
	  -1, "bad-body", NULL },
	{ "missing close delimiter", MIXED,
	  DELIM CRLF CT_SDP CRLF SDPTXT CRLF,
	  -1, "bad-body", NULL },
	{ "missing close delimiter after the SDP part", MIXED,
	  DELIM CRLF CT_SDP CRLF SDPTXT CRLF
	  DELIM CRLF CT_ISUP CRLF "isup-bytes" CRLF,
	  -1, "bad-body", NULL },
	{ "missing boundary parameter", "multipart/mixed",
	  DELIM CRLF CT_SDP CRLF SDPTXT CRLF CLOSE CRLF,
	  -1, "bad-body", NULL },
	{ "empty boundary", "multipart/mixed;boundary=\"\"",
	  "--" CRLF CT_SDP CRLF SDPTXT CRLF "----" CRLF, -1, "bad-body", NULL },
	{ "boundary of 70 characters",
	  "multipart/mixed;boundary="
	  "0123456789012345678901234567890123456789012345678901234567890123456789",
	  "--0123456789012345678901234567890123456789012345678901234567890123456789" CRLF
	  CT_SDP CRLF SDPTXT CRLF
	  "--0123456789012345678901234567890123456789012345678901234567890123456789--" CRLF,
	  1, NULL, SDPTXT },
	{ "boundary of 71 characters",
	  "multipart/mixed;boundary="
	  "01234567890123456789012345678901234567890123456789012345678901234567890",
	  "--01234567890123456789012345678901234567890123456789012345678901234567890" CRLF
	  CT_SDP CRLF SDPTXT CRLF
	  "--01234567890123456789012345678901234567890123456789012345678901234567890--" CRLF,
	  -1, "bad-body", NULL },
	{ "part header line without a colon", MIXED,
	  DELIM CRLF "Content-Type application/sdp" CRLF CRLF SDPTXT CRLF
	  CLOSE CRLF,
	  -1, "bad-body", NULL },
	{ "empty multipart body", MIXED, "", -1, "bad-body", NULL },
};

static void run_find_case(const struct find_case *c)
{
	struct sip_diag diag = { 0 };
	struct span sdp = SPAN_NULL;
	size_t clen = strlen(c->ct), blen = strlen(c->body);
	char *ct = malloc(clen ? clen : 1), *body = malloc(blen ? blen : 1);
	int rc;

	unit_case("body_find_sdp: %s", c->name);
	if (!CHECK(ct && body))
		goto out;
	memcpy(ct, c->ct, clen);
	memcpy(body, c->body, blen);
	rc = body_find_sdp(span_make(ct, clen), span_make(body, blen), &sdp,
			   &diag);
	CHECK_INT(rc, c->rc);
	CHECK_STR(sip_reason_str(diag.fatal.reason), c->fatal ? c->fatal : "ok");
	if (rc == 1 && c->rc == 1) {
		CHECK_SPAN(sdp, c->sdp);
		CHECK(sdp.p >= body && sdp.p + sdp.len <= body + blen);
	}
out:
	free(ct);
	free(body);
}

/* ---- nesting depth ------------------------------------------------------ */

/*
 * @levels multipart/mixed bodies nested in one another, the innermost
 * holding the SDP: up to BODY_MAX_DEPTH levels are followed, one more is
 * refused rather than silently skipped (fail closed).
 */
static const struct {
	unsigned int	levels;
	int		rc;
} depth_cases[] = {
	{ 1,			1 },
	{ BODY_MAX_DEPTH,	1 },
	{ BODY_MAX_DEPTH + 1,	-1 },
	{ 20,			-1 },
};

/* Build the body of level @lvl (1 = outermost) into @out; returns length. */
static size_t nest_body(char *out, size_t outlen, unsigned int lvl,
			unsigned int levels)
{
	size_t n;

	if (lvl == levels)
		return (size_t)snprintf(out, outlen, "--B%02u" CRLF CT_SDP CRLF
					SDPTXT CRLF "--B%02u--" CRLF, lvl, lvl);
	n = (size_t)snprintf(out, outlen, "--B%02u" CRLF
			     "Content-Type: multipart/mixed;boundary=B%02u"
			     CRLF CRLF, lvl, lvl + 1);
	if (n >= outlen)
		return n;
	n += nest_body(out + n, outlen - n, lvl + 1, levels);
	if (n >= outlen)
		return n;
	n += (size_t)snprintf(out + n, outlen - n, CRLF "--B%02u--" CRLF, lvl);
	return n;
}

static void run_depth_case(unsigned int levels, int want)
{
	static char body[16384];
	struct sip_diag diag = { 0 };
	struct span sdp;
	size_t n;
	int rc;

	unit_case("body_find_sdp: %u nested multipart levels", levels);
	n = nest_body(body, sizeof(body), 1, levels);
	if (!CHECK(n < sizeof(body)))
		return;
	rc = body_find_sdp(SPAN_LIT("multipart/mixed;boundary=B01"),
			   span_make(body, n), &sdp, &diag);
	CHECK_INT(rc, want);
	if (want == 1 && rc == 1)
		CHECK_SPAN(sdp, SDPTXT);
	if (want < 0)
		CHECK_STR(sip_reason_str(diag.fatal.reason), "bad-body");
}

/* ---- body_multipart_next: every part, in order -------------------------- */

static const struct {
	const char	*ct;	/* NULL: no Content-Type header (absent) */
	const char	*body;
} iter_parts[] = {
	{ "text/plain",		"hello" CRLF "world" },
	{ NULL,			"no headers" },
	{ "application/sdp",	SDPTXT },
	{ "application/isup",	"" },
};

static void run_iter_case(void)
{
	static const char body[] =
		"preamble" CRLF
		DELIM CRLF "Content-Type: text/plain" CRLF CRLF "hello" CRLF "world" CRLF
		DELIM CRLF CRLF "no headers" CRLF
		DELIM CRLF "Content-Type:   application/sdp  " CRLF CRLF SDPTXT CRLF
		DELIM CRLF "Content-Type: application/isup" CRLF CRLF CRLF
		CLOSE CRLF "epilogue" CRLF;
	struct sip_diag diag = { 0 };
	struct body_part part;
	size_t cursor = 0;
	unsigned int n = 0;
	int rc;

	unit_case("body_multipart_next: four parts in order");
	while ((rc = body_multipart_next(span_make(body, sizeof(body) - 1),
					 SPAN_LIT("unique-boundary-1"), &cursor,
					 &part, &diag)) == 1 && n < 10) {
		if (n < ARRAY_SIZE(iter_parts)) {
			if (iter_parts[n].ct)
				CHECK_SPAN(part.content_type, iter_parts[n].ct);
			else
				CHECK_INT(part.content_type.len, 0);
			CHECK_SPAN(part.body, iter_parts[n].body);
		}
		n++;
	}
	CHECK_INT(rc, 0);
	CHECK_INT(n, ARRAY_SIZE(iter_parts));
	/* after the close delimiter the iterator stays at its end */
	CHECK_INT(body_multipart_next(span_make(body, sizeof(body) - 1),
				      SPAN_LIT("unique-boundary-1"), &cursor,
				      &part, &diag), 0);
	CHECK_INT(diag.fatal.reason, SIP_OK);
}

int main(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(media_type_cases); i++)
		run_media_type_case(i);
	for (i = 0; i < ARRAY_SIZE(find_cases); i++)
		run_find_case(&find_cases[i]);
	for (i = 0; i < ARRAY_SIZE(depth_cases); i++)
		run_depth_case(depth_cases[i].levels, depth_cases[i].rc);
	run_iter_case();
	return unit_summary("body");
}
