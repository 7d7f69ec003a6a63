// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * body.c - Content-Type matching and MIME multipart framing.
 *
 *   multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF
 *                     body-part *encapsulation close-delimiter
 *                     transport-padding [CRLF epilogue]
 *   encapsulation  := delimiter transport-padding CRLF body-part
 *   delimiter      := CRLF dash-boundary;  dash-boundary := "--" boundary
 *                                                   (RFC 2046 5.1.1)
 */
#include <string.h>

#include "body.h"
#include "../sip/sip_lex.h"
#include "../sip/sip_uri.h"

int body_media_type(struct span ct, struct span *type, struct span *subtype,
		    struct span *params)
{
	const char *p = ct.p, *end = ct.p + ct.len, *q;

	p = lex_skip_sws(p, end);
	for (q = p; q < end && lex_is(*q, LEX_TOKEN); q++)
		;
	*type = span_from_to(p, q);
	p = lex_skip_sws(q, end);
	if (!type->len || p >= end || *p != '/')
		return -1;
	p = lex_skip_sws(p + 1, end);
	for (q = p; q < end && lex_is(*q, LEX_TOKEN); q++)
		;
	*subtype = span_from_to(p, q);
	if (!subtype->len)
		return -1;
	p = lex_skip_sws(q, end);
	*params = SPAN_NULL;
	if (p < end) {
		if (*p != ';')
			return -1;
		*params = span_from_to(p + 1, end);
	}
	return 0;
}

/* A delimiter line "--boundary" starting at a line start at or after @p. */
static const char *find_delimiter(const char *start, const char *p,
				  const char *end, struct span b)
{
	while (p < end) {
		if ((p == start || p[-1] == '\n') &&
		    (size_t)(end - p) >= b.len + 2 && p[0] == '-' &&
		    p[1] == '-' && !memcmp(p + 2, b.p, b.len))
			return p;
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return NULL;
		p++;
	}
	return NULL;
}

/* Past a delimiter: close ("--")?  *next is the first byte after its line. */
static bool delimiter_end(const char *d, const char *end, struct span b,
			  const char **next)
{
	const char *p = d + 2 + b.len, *lf;
	bool close = end - p >= 2 && p[0] == '-' && p[1] == '-';

	lf = memchr(p, '\n', (size_t)(end - p));
	*next = lf ? lf + 1 : end;
	return close;
}

/* The Content-Type among the part's MIME headers (up to the empty line). */
static int part_split(struct span raw, struct body_part *part)
{
	const char *p = raw.p, *end = raw.p + raw.len;

	part->content_type = SPAN_NULL;
	for (;;) {
		const char *lf, *colon, *next;
		struct span line;

		if (p >= end) {
			part->body = span_make(end, 0);
			return 0;
		}
		if (*p == '\n' || (*p == '\r' && end - p >= 2 && p[1] == '\n')) {
			p += *p == '\n' ? 1 : 2;
			part->body = span_from_to(p, end);
			return 0;
		}
		lf = memchr(p, '\n', (size_t)(end - p));
		/* unfold: a header may continue on lines starting with WSP */
		while (lf && lf + 1 < end && (lf[1] == ' ' || lf[1] == '\t'))
			lf = memchr(lf + 1, '\n', (size_t)(end - lf - 1));
		next = lf ? lf + 1 : end;
		line = span_from_to(p, lf ? lf : end);
		colon = memchr(line.p, ':', line.len);
		if (!colon)
			return -1;
		if (span_is(lex_trim(span_from_to(line.p, colon)),
			    "Content-Type"))
			part->content_type =
				lex_trim(span_from_to(colon + 1,
						      line.p + line.len));
		p = next;
	}
}

int body_multipart_next(struct span body, struct span boundary,
			size_t *cursor, struct body_part *part,
			struct sip_diag *diag)
{
	const char *start = body.p, *end = body.p + body.len, *p, *d, *next;
	const char *stop;
	bool close;

	if (*cursor == SIZE_MAX)
		return 0;
	if (*cursor == 0) {
		d = find_delimiter(start, start, end, boundary);
		if (!d)
			return sip_diag_fatal(diag, SIP_ERR_BAD_BODY,
					      "no multipart boundary delimiter",
					      boundary);
		if (delimiter_end(d, end, boundary, &p))
			return 0;
	} else {
		if (*cursor > body.len)
			return -1;
		p = start + *cursor;
	}
	d = find_delimiter(start, p, end, boundary);
	if (!d)
		return sip_diag_fatal(diag, SIP_ERR_BAD_BODY,
				      "multipart body without close delimiter",
				      boundary);
	/* the CRLF before a delimiter belongs to the delimiter */
	stop = d;
	if (stop > p && stop[-1] == '\n')
		stop--;
	if (stop > p && stop[-1] == '\r')
		stop--;
	if (part_split(span_from_to(p, stop), part))
		return sip_diag_fatal(diag, SIP_ERR_BAD_BODY,
				      "malformed multipart part header",
				      span_from_to(p, stop));
	close = delimiter_end(d, end, boundary, &next);
	*cursor = close ? SIZE_MAX : (size_t)(next - start);
	return 1;
}

static int find_sdp(struct span ct, struct span body, struct span *sdp,
		    struct sip_diag *diag, unsigned int depth)
{
	struct span type, subtype, params, boundary;
	struct body_part part;
	size_t cursor = 0;
	int rc;

	if (!ct.len || body_media_type(ct, &type, &subtype, &params))
		return 0;
	if (span_is(type, "application") && span_is(subtype, "sdp")) {
		*sdp = body;
		return 1;
	}
	if (!span_is(type, "multipart"))
		return 0;
	if (depth >= BODY_MAX_DEPTH)
		return sip_diag_fatal(diag, SIP_ERR_BAD_BODY,
				      "multipart nested too deep", ct);
	/* boundary := 0*69<bchars> bcharsnospace (RFC 2046 5.1.1) */
	if (!sip_param_find(params, "boundary", &boundary))
		return sip_diag_fatal(diag, SIP_ERR_BAD_BODY,
				      "multipart without boundary", ct);
	if (boundary.len >= 2 && boundary.p[0] == '"' &&
	    boundary.p[boundary.len - 1] == '"')
		boundary = span_make(boundary.p + 1, boundary.len - 2);
	if (boundary.len < 1 || boundary.len > 70)
		return sip_diag_fatal(diag, SIP_ERR_BAD_BODY,
				      "boundary length not 1-70", ct);
	while ((rc = body_multipart_next(body, boundary, &cursor, &part,
					 diag)) > 0) {
		rc = find_sdp(part.content_type, part.body, sdp, diag,
			      depth + 1);
		if (rc < 0)
			return rc;
		if (rc > 0)
			break;
	}
	if (rc <= 0)
		return rc;
	/* found: the rest must still be framed, up to the close delimiter */
	while ((rc = body_multipart_next(body, boundary, &cursor, &part,
					 diag)) > 0)
		;
	return rc < 0 ? rc : 1;
}

int body_find_sdp(struct span content_type, struct span body,
		  struct span *sdp, struct sip_diag *diag)
{
	return find_sdp(content_type, body, sdp, diag, 0);
}
