/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_sofia.c - sofia-sip's side of bench_parse.
 *
 * msg_make(sip_default_mclass(), 0, ...) is sofia's call for parsing a
 * complete message held in memory: it copies the bytes into a new msg_t
 * and runs msg_extract(), which parses the start line and then
 * every header line eagerly, through the header class's parse function
 * (msg_parser.c: extract_header -> header_parse -> hc_parse): nothing is
 * left for later.  Headers the default class does not know (sofia's
 * "extra" headers such as P-Asserted-Identity, and true extensions) are
 * kept as name/value, as voipfw keeps headers it does not interpret.  A
 * header whose value fails to parse is replaced by an error header
 * (sip->sip_error) and the message still "succeeds", so that is checked
 * for and counted as a failure.  The body is left as one payload:
 * msg_multipart_parse() splits multipart bodies and sdp_parse() parses
 * the SDP, as a sofia application (soa, nua) does.  The parts go into a
 * home of their own: parsed into msg_home(msg), as msg_mime.c's own
 * example does, they keep msg_destroy() from freeing the msg_t (one
 * 896-byte block lost per multipart message in sofia-sip 1.12.11, seen
 * with valgrind), which would grow the heap through a long run.
 *
 * sofia-sip exports sdp_parse(), and so does libvoipfw.a: in this
 * executable the name binds to voipfw's.  Sofia's is looked up in its
 * own library with dlsym() and checked to come from there.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/msg.h>
#include <sofia-sip/msg_mime.h>
#include <sofia-sip/sdp.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_protos.h>

#include "bench.h"

#define SOFIA_SONAME	"libsofia-sip-ua.so.0"

typedef sdp_parser_t *sofia_sdp_parse_fn(su_home_t *home, char const msg[],
					 issize_t msgsize, int flags);

static sofia_sdp_parse_fn *sofia_sdp_parse;
static msg_mclass_t const *sofia_mclass;
static void *sofia_handle;

static int sofia_init(char *err, size_t errlen)
{
	Dl_info info;
	void *sym;

	/* Already loaded as a dependency: take a reference, load nothing. */
	sofia_handle = dlopen(SOFIA_SONAME, RTLD_NOW | RTLD_NOLOAD);
	if (!sofia_handle) {
		snprintf(err, errlen, "dlopen(%s): %s", SOFIA_SONAME,
			 dlerror());
		return -1;
	}
	sym = dlsym(sofia_handle, "sdp_parse");
	if (!sym || !dladdr(sym, &info) || !info.dli_fname ||
	    !strstr(info.dli_fname, "libsofia-sip-ua")) {
		snprintf(err, errlen, "sofia's sdp_parse not found in %s",
			 SOFIA_SONAME);
		dlclose(sofia_handle);
		sofia_handle = NULL;
		return -1;
	}
	sofia_sdp_parse = (sofia_sdp_parse_fn *)sym;
	sofia_mclass = sip_default_mclass();
	return 0;
}

static void sofia_fini(void)
{
	if (sofia_handle)
		dlclose(sofia_handle);
	sofia_handle = NULL;
}

static int c_is_sdp(const msg_content_type_t *c)
{
	return c && c->c_type && strcasecmp(c->c_type, "application/sdp") == 0;
}

/*
 * The application/sdp content: the payload itself, or the first
 * application/sdp part of a multipart payload, whose parts are allocated
 * from @home.  Returns 1 found, 0 no SDP, -1 when the multipart body does
 * not parse.
 */
static int sofia_find_sdp(su_home_t *home, sip_t const *sip,
			  char const **data, usize_t *len)
{
	msg_content_type_t *c = sip->sip_content_type;
	msg_payload_t *pl = sip->sip_payload;
	msg_multipart_t *mp;

	if (!c || !c->c_type || !pl || !pl->pl_data)
		return 0;
	if (c_is_sdp(c)) {
		*data = pl->pl_data;
		*len = pl->pl_len;
		return 1;
	}
	if (strncasecmp(c->c_type, "multipart/", 10) != 0)
		return 0;
	mp = msg_multipart_parse(home, c, pl);
	if (!mp)
		return -1;
	for (; mp; mp = mp->mp_next) {
		if (c_is_sdp(mp->mp_content_type) && mp->mp_payload &&
		    mp->mp_payload->pl_data) {
			*data = mp->mp_payload->pl_data;
			*len = mp->mp_payload->pl_len;
			return 1;
		}
	}
	return 0;
}

static int sofia_parse(const char *buf, size_t len, struct bench_out *out)
{
	su_home_t mp_home[1] = { SU_HOME_INIT(mp_home) };
	msg_t *msg;
	sip_t const *sip;
	sdp_parser_t *parser;
	char const *sdp = NULL;
	usize_t sdp_len = 0;
	int rc = -1, found;

	msg = msg_make(sofia_mclass, 0, buf, (ssize_t)len);
	if (!msg) {
		snprintf(out->why, sizeof(out->why), "msg_make() failed");
		return -1;
	}
	if (msg_has_error(msg)) {
		snprintf(out->why, sizeof(out->why),
			 "msg_make(): message has errors");
		goto out_msg;
	}
	sip = sip_object(msg);
	if (!sip || (!sip->sip_request && !sip->sip_status) ||
	    !sip->sip_via || !sip->sip_from || !sip->sip_to ||
	    !sip->sip_call_id || !sip->sip_cseq) {
		snprintf(out->why, sizeof(out->why),
			 "msg_make() succeeded without start line, Via, From, "
			 "To, Call-ID or CSeq");
		goto out_msg;
	}
	if (sip->sip_error) {
		snprintf(out->why, sizeof(out->why),
			 "header not parsed: %s",
			 sip->sip_error->er_name ? sip->sip_error->er_name : "?");
		goto out_msg;
	}

	found = sofia_find_sdp(mp_home, sip, &sdp, &sdp_len);
	if (found < 0) {
		snprintf(out->why, sizeof(out->why),
			 "msg_multipart_parse() failed");
		goto out_msg;
	}
	if (found) {
		parser = sofia_sdp_parse(NULL, sdp, (issize_t)sdp_len, 0);
		if (!sdp_session(parser)) {
			snprintf(out->why, sizeof(out->why),
				 "sdp_parse(): %s",
				 parser ? sdp_parsing_error(parser) : "no memory");
			sdp_parser_free(parser);
			goto out_msg;
		}
		sdp_parser_free(parser);
		out->n_sdp = 1;
	}
	rc = 0;
out_msg:
	su_home_deinit(mp_home);
	msg_destroy(msg);
	return rc;
}

const struct bench_parser_ops bench_sofia_ops = {
	.name	= "sofia-sip",
	.work	= "msg_make(sip_default_mclass()) (every header, eagerly) + "
		  "msg_multipart_parse() + sdp_parse() on the application/sdp "
		  "body",
	.init	= sofia_init,
	.parse	= sofia_parse,
	.fini	= sofia_fini,
};
