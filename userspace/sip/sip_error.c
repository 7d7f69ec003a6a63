// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sip_error.c - reason tokens and the diagnostics recorder.
 */
#include "sip_error.h"

/* Stable tokens: printed by check-sip, counted by voipfwd.  Append only. */
static const char *const sip_reason_names[__SIP_REASON_MAX] = {
	[SIP_OK]			= "ok",
	[SIP_ERR_TRUNCATED]		= "truncated",
	[SIP_ERR_BAD_REQUEST_LINE]	= "bad-request-line",
	[SIP_ERR_BAD_STATUS_LINE]	= "bad-status-line",
	[SIP_ERR_BAD_VERSION]		= "bad-version",
	[SIP_ERR_BAD_HEADER]		= "bad-header",
	[SIP_ERR_TOO_MANY_HEADERS]	= "too-many-headers",
	[SIP_ERR_DUPLICATE_HEADER]	= "duplicate-header",
	[SIP_ERR_MISSING_HEADER]	= "missing-header",
	[SIP_ERR_BAD_URI]		= "bad-uri",
	[SIP_ERR_BAD_VIA]		= "bad-via",
	[SIP_ERR_BAD_NAME_ADDR]		= "bad-name-addr",
	[SIP_ERR_BAD_CSEQ]		= "bad-cseq",
	[SIP_ERR_CSEQ_MISMATCH]		= "cseq-mismatch",
	[SIP_ERR_BAD_CONTENT_LENGTH]	= "bad-content-length",
	[SIP_ERR_CONTENT_LENGTH_MISMATCH] = "content-length-mismatch",
	[SIP_ERR_BAD_MAX_FORWARDS]	= "bad-max-forwards",
	[SIP_ERR_BAD_CALL_ID]		= "bad-call-id",
	[SIP_ERR_BAD_NUMBER]		= "bad-number",
	[SIP_ERR_BAD_DATE]		= "bad-date",
	[SIP_ERR_BAD_AUTH]		= "bad-auth",
	[SIP_ERR_BAD_PARAM]		= "bad-param",
	[SIP_ERR_BAD_BODY]		= "bad-body",
	[SIP_ERR_BAD_SDP]		= "bad-sdp",
	[SIP_ERR_UNSUPPORTED_SCHEME]	= "unsupported-scheme",
	[SIP_ERR_BAD_TOKEN]		= "bad-token",
};

const char *sip_reason_str(enum sip_reason reason)
{
	if ((unsigned int)reason >= __SIP_REASON_MAX ||
	    !sip_reason_names[reason])
		return "unknown";
	return sip_reason_names[reason];
}

int sip_diag_fatal(struct sip_diag *d, enum sip_reason r, const char *detail,
		   struct span where)
{
	if (d && d->fatal.reason == SIP_OK) {
		d->fatal.reason = r;
		d->fatal.detail = detail;
		d->fatal.where = where;
	}
	return -1;
}

void sip_diag_strict(struct sip_diag *d, enum sip_reason r,
		     const char *detail, struct span where)
{
	if (!d)
		return;
	if (d->strict_count++ == 0) {
		d->strict.reason = r;
		d->strict.detail = detail;
		d->strict.where = where;
	}
}
