/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * body.h - message bodies: Content-Type matching and MIME multipart
 * (RFC 2046 5.1, RFC 5621 for SIP), to find the SDP a message carries.
 */
#ifndef VOIPFW_BODY_H
#define VOIPFW_BODY_H

#include "../sip/span.h"
#include "../sip/sip_error.h"

/* Nesting depth of multipart inside multipart that is followed. */
#define BODY_MAX_DEPTH		3

/**
 * struct body_part - one part of a multipart body.
 * @content_type: the part's Content-Type value (empty: text/plain default)
 * @body:         the part's content, up to (not including) the CRLF that
 *                precedes the next delimiter
 */
struct body_part {
	struct span	content_type;
	struct span	body;
};

/**
 * body_media_type - split a Content-Type value into type, subtype and
 * its parameters (the ";..." part without the first ';').  Returns 0, or
 * -1 when the value is not type "/" subtype.
 */
int body_media_type(struct span content_type, struct span *type,
		    struct span *subtype, struct span *params);

/**
 * body_multipart_next - iterate the parts of a multipart body.
 * @body:     the whole multipart body
 * @boundary: the boundary parameter, unquoted
 * @cursor:   in/out; start with 0
 * Returns 1 with @part, 0 after the close delimiter, -1 if malformed.
 */
int body_multipart_next(struct span body, struct span boundary,
			size_t *cursor, struct body_part *part,
			struct sip_diag *diag);

/**
 * body_find_sdp - the application/sdp content of a body: the body itself,
 * or the first application/sdp part of a multipart/mixed (or related,
 * alternative) body, recursively up to BODY_MAX_DEPTH.
 * Returns 1 found (@sdp set), 0 no SDP, -1 malformed multipart.
 */
int body_find_sdp(struct span content_type, struct span body,
		  struct span *sdp, struct sip_diag *diag);

#endif /* VOIPFW_BODY_H */
