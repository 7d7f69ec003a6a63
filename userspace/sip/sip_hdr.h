/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sip_hdr.h - value parsers of the header fields voipfw interprets.
 * Internal to userspace/sip: sip.c dispatches to them from its table.
 */
#ifndef VOIPFW_SIP_HDR_H
#define VOIPFW_SIP_HDR_H

#include "sip.h"

/* Parse @h->value into @msg; 0 ok (strict defects in @diag), -1 fatal. */
typedef int (*sip_hdr_parse_fn)(struct sip_msg *msg,
				const struct sip_header *h,
				struct sip_diag *diag);

int sip_hdr_via(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_from(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_to(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_call_id(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_cseq(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_contact(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_max_forwards(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_content_length(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_content_type(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_user_agent(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_expires(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_authorization(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_challenge(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_route(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_pai(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_name_addr_only(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_token_list(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_date(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_retry_after(struct sip_msg *, const struct sip_header *, struct sip_diag *);
int sip_hdr_min_expires(struct sip_msg *, const struct sip_header *, struct sip_diag *);

#endif /* VOIPFW_SIP_HDR_H */
