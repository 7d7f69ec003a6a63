/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_int.h - what the parts of the policy module share and nothing
 * else includes: the error setter, "did you mean" and the cross-item
 * checks the parser calls as it adds each item.
 */
#ifndef VOIPFW_POLICY_INT_H
#define VOIPFW_POLICY_INT_H

#include "policy.h"

/* Fill @err: loc, msg and "FILE:LINE:COL: msg".  Returns -1. */
int policy_err(struct policy_error *err, const char *file,
	       struct policy_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Out of memory at @loc. */
int policy_err_nomem(struct policy_error *err, const char *file,
		     struct policy_loc loc);

/**
 * struct policy_suggest - the closest of some candidate names to @word,
 * for "did you mean ...?".  Offer each candidate; @best stays NULL when
 * none is close enough to be a likely typo.
 */
struct policy_suggest {
	const char	*word;
	size_t		word_len;
	const char	*best;
	unsigned int	dist;
};

void policy_suggest_init(struct policy_suggest *s, const char *word,
			 size_t len);
void policy_suggest_offer(struct policy_suggest *s, const char *cand);

/* The model's arrays and built-ins (policy.c). */
struct policy *policy_new(const char *file);
struct policy_zone *policy_zone_add(struct policy *pol);
struct policy_service *policy_service_add(struct policy *pol);
struct policy_rule *policy_rule_add(struct policy *pol);

/*
 * Cross-item checks (policy_check.c), called by the parser before it
 * adds an item to zone @zi, so that errors come in file order.  Each
 * returns 0 or -1 with @err set at @loc.
 */
int policy_check_iface(const struct policy *pol, const char *name,
		       struct policy_loc loc, struct policy_error *err);
int policy_check_vlan(const struct policy *pol, unsigned int id,
		      const char *bridge, struct policy_loc loc,
		      struct policy_error *err);
int policy_check_subnet(const struct policy *pol,
			const struct policy_subnet *sn,
			struct policy_error *err);
/* A trusted prefix of zone @z's sip block must not overlap another. */
int policy_check_trusted(const struct policy *pol, const struct policy_zone *z,
			 const struct policy_subnet *sn, struct policy_error *err);
/* Nor may a server prefix of its `signalling tls-only servers`. */
int policy_check_sip_server(const struct policy *pol,
			    const struct policy_zone *z,
			    const struct policy_subnet *sn,
			    struct policy_error *err);
int policy_check_ports(const struct policy_service *svc,
		       const struct policy_ports *pr,
		       const char *file, struct policy_error *err);

/* After parsing: resolve every name the rules use. */
int policy_resolve(struct policy *pol, struct policy_error *err);

#endif /* VOIPFW_POLICY_INT_H */
