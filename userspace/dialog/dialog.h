/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dialog.h - calls as the firewall follows them: one entry per Call-ID,
 * the offer/answer state of its session (RFC 3264, RFC 6337), and the
 * pinholes that state implies.
 *
 * The table is a fixed pool allocated once; nothing is allocated per
 * packet.  An entry is 200 bytes (sizeof(struct dialog)); pending offers
 * and sessions beyond the compact form come from two side pools of as
 * many entries.  All three are touched, and so made resident, only as
 * far as they were ever used at once.
 */
#ifndef VOIPFW_DIALOG_H
#define VOIPFW_DIALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../pinhole/pinhole.h"
#include "../sdp/sdp.h"
#include "../sip/span.h"

/* Enabled streams of one session the firewall opens; more are refused.
 * It sizes every call entry. */
#define DIALOG_MAX_STREAMS	4
/*
 * Call-ID bytes kept verbatim; longer ones are told apart by their length
 * and a hash of the whole.  64 holds the usual UUID@host forms whole.  A
 * pinhole's tag carries as many (PINHOLE_CALL_ID_MAX may be more: tags
 * written by a voipfwd that kept more still adopt, by prefix and hash).
 */
#define DIALOG_CALL_ID_KEEP	64
_Static_assert(DIALOG_CALL_ID_KEEP <= PINHOLE_CALL_ID_MAX,
	       "a pinhole tag holds the kept Call-ID");
/* Longer Call-IDs are not followed (the message is refused). */
#define DIALOG_CALL_ID_MAX	255
/* Pinholes one session can imply: streams x (RTP, RTCP) x 2 sides. */
#define DIALOG_MAX_PINHOLES	(DIALOG_MAX_STREAMS * 4)

/**
 * struct media_line - one stream of one side, copied out of its SDP.
 * @family:    4 or 6; 0 when the stream is disabled (port 0)
 * @receives:  this side accepts media on it (sendrecv/recvonly, not held)
 * @sends:     this side sends on it (sendrecv/sendonly)
 * @mux:       a=rtcp-mux offered or answered; RTCP shares the RTP port only
 *             when both sides say so (RFC 5761 5.1.1)
 * @rtcp_port: the RTCP port if not muxed (a=rtcp, else RTP + 1)
 */
struct media_line {
	uint8_t		family;
	bool		receives;
	bool		sends;
	bool		mux;
	uint8_t		addr[16];
	uint16_t	rtp_port;
	uint16_t	rtcp_port;
	uint8_t		rtcp_addr[16];
};

/* One side's session description, reduced to what pinholes need. */
struct media_desc {
	uint8_t			n;
	struct media_line	m[DIALOG_MAX_STREAMS];
};

enum dialog_side {
	DIALOG_CALLER = 0,	/* sent the initial INVITE */
	DIALOG_CALLEE = 1,
};

enum dialog_state {
	DIALOG_FREE = 0,
	DIALOG_TRYING,		/* INVITE seen, no final answer */
	DIALOG_CONFIRMED,	/* 2xx seen */
	DIALOG_ADOPTED,		/* rebuilt from kernel pinholes at start */
};

/**
 * struct dialog_line - stream 0 of one side, stored in the call when its
 * RTCP address is its RTP address (struct media_line less @rtcp_addr).
 */
struct dialog_line {
	uint8_t		family;
	bool		receives;
	bool		sends;
	bool		mux;
	uint16_t	rtp_port;
	uint16_t	rtcp_port;
	uint8_t		addr[16];
};

/**
 * struct dialog - one call.
 * @call_id, @call_id_len, @call_id_hash: the key (see DIALOG_CALL_ID_KEEP)
 * @caller_tag_hash: hash of the From tag of the initial INVITE (tells
 *              the sides apart)
 * @src:        address family and address that created it (limits)
 * @invite_cseq: CSeq of the INVITE in progress
 * @answer_cseq: CSeq of the INVITE whose 2xx or 18x answered the session
 *              (a later response of that transaction repeats the answer)
 * @offer:      the pending offer, not answered yet (NULL: none), from
 *              @offer_side; held in the table's offer pool, as only calls
 *              in progress have one (dialog_set_offer(), dialog_drop_offer())
 * @active_offerer: the session pinholes are derived from was offered by
 *              this side (its description is [0], the answer [1])
 * @has_active: pinholes are installed for that session
 * @act_n, @act_line, @act_full: the session, private: read it with
 *              dialog_session(), write it with dialog_set_session().  A
 *              session of one stream a side whose RTCP address is its RTP
 *              address (nearly every call) lives in @act_n and @act_line;
 *              any other in @act_full, from the table's session pool
 * @last_ms:    last SIP message of the call
 * @check_ms:   when to look at the call again (expiry)
 * @next:       hash chain (index + 1; 0 ends)
 * @commit_epoch: the engine's group commit that carries this call's last
 *              pinhole changes (engine.c)
 * @unsynced:   a commit of this call's changes failed: the kernel may lack
 *              some of its pinholes, so its next change re-adds them all
 *
 * 200 bytes (x86-64).  A pending offer adds one struct media_desc, a
 * session not in the compact form two, each only while it lasts.
 */
struct dialog {
	uint8_t			state;
	uint8_t			call_id_len;	/* full length */
	uint8_t			src_family;
	uint8_t			offer_side;
	uint8_t			active_offerer;
	bool			has_active;
	bool			unsynced;
	uint8_t			act_n[2];
	char			call_id[DIALOG_CALL_ID_KEEP];
	uint64_t		call_id_hash;
	uint64_t		caller_tag_hash;
	uint8_t			src[16];
	uint32_t		invite_cseq;
	uint32_t		answer_cseq;
	uint32_t		next;
	uint32_t		commit_epoch;
	uint64_t		last_ms;
	uint64_t		check_ms;
	struct media_desc	*offer;
	struct media_desc	*act_full;
	struct dialog_line	act_line[2];
};

struct dialog_table;

/*
 * dialog_table_new - a table for @max calls (the pool is allocated here,
 * once).  NULL with errno on failure.
 */
struct dialog_table *dialog_table_new(unsigned int max);
void dialog_table_free(struct dialog_table *t);
unsigned int dialog_count(const struct dialog_table *t);
unsigned int dialog_capacity(const struct dialog_table *t);

/**
 * struct dialog_key - a Call-ID as the table knows it.
 * @hash:   dialog_hash() of the whole Call-ID
 * @len:    its whole length (at most DIALOG_CALL_ID_MAX)
 * @prefix: its first min(@len, DIALOG_CALL_ID_KEEP) bytes
 */
struct dialog_key {
	uint64_t	hash;
	uint8_t		len;
	const char	*prefix;
};

uint64_t dialog_hash(struct span call_id);
/* The key of @call_id; -1 when it is longer than DIALOG_CALL_ID_MAX. */
int dialog_key_of(struct span call_id, struct dialog_key *key);
struct dialog *dialog_find(struct dialog_table *t,
			   const struct dialog_key *key);
/* NULL when the table is full. */
struct dialog *dialog_create(struct dialog_table *t,
			     const struct dialog_key *key);
/* Forget @d, its pending offer and its session. */
void dialog_destroy(struct dialog_table *t, struct dialog *d);

/*
 * dialog_set_offer - @m, from @side, is @d's pending offer (replacing any).
 * Returns 0; -1 (ENOSPC) cannot happen while each call holds at most one
 * (the pool has an entry for every call).
 */
int dialog_set_offer(struct dialog_table *t, struct dialog *d,
		     enum dialog_side side, const struct media_desc *m);
/* @d has no pending offer any more. */
void dialog_drop_offer(struct dialog_table *t, struct dialog *d);

/* @d's session: the offerer's description in @act[0], the answer in @act[1]. */
void dialog_session(const struct dialog *d, struct media_desc act[2]);
/*
 * dialog_set_session - store @act as @d's session, in the call when it has
 * the compact form, else in the session pool.  Returns 0; -1 (ENOSPC)
 * cannot happen while each call holds at most one.
 */
int dialog_set_session(struct dialog_table *t, struct dialog *d,
		       const struct media_desc act[2]);

/* Iterate every used entry: start with *@cursor = 0. */
struct dialog *dialog_next(struct dialog_table *t, unsigned int *cursor);

/*
 * media_desc_from_sdp - reduce @sdp to @out.  Returns 0, or -1 when it
 * carries more enabled streams than DIALOG_MAX_STREAMS.
 */
int media_desc_from_sdp(const struct sdp *sdp, struct media_desc *out);

/**
 * enum pinhole_match - what a pinhole matches besides destination.
 * @PINHOLE_MATCH_DST:      destination address and port only
 * @PINHOLE_MATCH_DST_PEER: also the peer's source address when its SDP
 *                          gives one (breaks media through NATs the SDP
 *                          does not know about; safer otherwise)
 */
enum pinhole_match {
	PINHOLE_MATCH_DST = 0,
	PINHOLE_MATCH_DST_PEER,
};

/*
 * dialog_pinholes - the pinholes @d's active session implies, into @out
 * (at most DIALOG_MAX_PINHOLES).  Returns the count.
 */
unsigned int dialog_pinholes(const struct dialog *d, enum pinhole_match mode,
			     uint32_t timeout_ms, struct pinhole *out);

/* Copy the dialog's Call-ID into a pinhole tag. */
void dialog_tag(const struct dialog *d, struct pinhole_tag *tag);

/* Bytes of @d->call_id that hold the Call-ID (for "%.*s"). */
static inline int dialog_call_id_kept(const struct dialog *d)
{
	return d->call_id_len < DIALOG_CALL_ID_KEEP ? d->call_id_len :
						      DIALOG_CALL_ID_KEEP;
}

#endif /* VOIPFW_DIALOG_H */
