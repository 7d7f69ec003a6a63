/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * engine_msgs.h - SIP messages and SDP bodies of one call between A (the
 * caller) and B, for test_engine.c and test_dialog.c.
 *
 * SDP bodies are string literals built by macros, so they can sit in
 * tables; msg_build() wraps one in a whole SIP message, CRLF line ends
 * written out and Content-Length counted from the body actually sent.
 */
#ifndef VOIPFW_ENGINE_MSGS_H
#define VOIPFW_ENGINE_MSGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CRLF		"\r\n"

/* Media addresses of the two parties (RFC 5737 / RFC 3849 ranges). */
#define A_IP		"192.0.2.10"
#define B_IP		"198.51.100.20"
#define A_IP6		"2001:db8::10"
#define B_IP6		"2001:db8:1::20"
/* Where each party's signalling comes from (struct pkt_meta). */
#define A_SIG		"192.0.2.1"
#define B_SIG		"198.51.100.1"

#define SDP_HEAD(af, ip)						\
	"v=0" CRLF "o=- 1 1 IN " af " " ip CRLF "s=-" CRLF		\
	"c=IN " af " " ip CRLF "t=0 0" CRLF
/* A session at @ip whose m= sections (and their a= lines) are @media. */
#define SDP4(ip, media)		SDP_HEAD("IP4", ip) media
#define SDP6(ip, media)		SDP_HEAD("IP6", ip) media
#define AUDIO(port)		"m=audio " port " RTP/AVP 0" CRLF
#define VIDEO(port)		"m=video " port " RTP/AVP 96" CRLF
#define ATTR(a)			"a=" a CRLF

/* The offer and answer of the basic call. */
#define SDP_A			SDP4(A_IP, AUDIO("4000"))
#define SDP_B			SDP4(B_IP, AUDIO("5000"))

enum party {
	PARTY_A = 0,	/* the caller */
	PARTY_B = 1,
};

#define MSG_CALL_ID	"call-1@a.example.com"
#define MSG_A_TAG	"a-tag-1"

/**
 * struct msg_spec - one message of a call between A and B.
 * @method:  request method; for a response, the method its CSeq names
 * @status:  0 for a request, else the response code
 * @txn:     who sent the request (for a response: the request it answers);
 *           that party's URI and tag go in From, the other's in To
 * @cseq:    CSeq number
 * @btag:    B's tag (To of A's requests, From of B's); NULL: none
 * @atag:    A's tag; NULL: MSG_A_TAG
 * @sdp:     application/sdp body; NULL: no body
 * @call_id: NULL: MSG_CALL_ID
 */
struct msg_spec {
	const char	*method;
	uint16_t	status;
	enum party	txn;
	uint32_t	cseq;
	const char	*btag;
	const char	*atag;
	const char	*sdp;
	const char	*call_id;
};

static inline const char *msg_reason_phrase(unsigned int status)
{
	static const struct { unsigned int code; const char *text; } t[] = {
		{ 100, "Trying" }, { 180, "Ringing" },
		{ 183, "Session Progress" }, { 200, "OK" },
		{ 401, "Unauthorized" }, { 486, "Busy Here" },
		{ 487, "Request Terminated" }, { 488, "Not Acceptable Here" },
		{ 491, "Request Pending" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].code == status)
			return t[i].text;
	return "Whatever";
}

/*
 * msg_build - @m as a datagram into @buf.  Returns its length, or -1 when
 * @cap is too small.
 */
static inline int msg_build(char *buf, size_t cap, const struct msg_spec *m)
{
	static const char *const uri[] = {
		[PARTY_A] = "sip:alice@a.example.com",
		[PARTY_B] = "sip:bob@b.example.com",
	};
	static const char *const contact[] = {
		[PARTY_A] = "sip:alice@" A_SIG,
		[PARTY_B] = "sip:bob@" B_SIG,
	};
	enum party from = m->txn, to = m->txn == PARTY_A ? PARTY_B : PARTY_A;
	const char *tags[2] = {
		[PARTY_A] = m->atag ? m->atag : MSG_A_TAG,
		[PARTY_B] = m->btag,
	};
	const char *body = m->sdp ? m->sdp : "";
	/* a UAS sends Contact in 18x/2xx to INVITE, a UAC in INVITE */
	bool has_contact = !strcmp(m->method, "INVITE") &&
			   (!m->status || (m->status > 100 && m->status < 300));
	size_t n = 0;
	int r;

#define MSG_PUT(...) do {						\
		r = snprintf(buf + n, cap - n, __VA_ARGS__);		\
		if (r < 0 || (size_t)r >= cap - n)			\
			return -1;					\
		n += (size_t)r;						\
	} while (0)

	if (m->status)
		MSG_PUT("SIP/2.0 %u %s" CRLF, m->status,
			msg_reason_phrase(m->status));
	else
		MSG_PUT("%s %s SIP/2.0" CRLF, m->method,
			to == PARTY_B ? "sip:bob@" B_SIG : "sip:alice@" A_SIG);
	MSG_PUT("Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK-%u-%s" CRLF,
		from == PARTY_A ? A_SIG : B_SIG, m->cseq,
		/* CANCEL and the ACK of a failure share the INVITE's branch */
		!strcmp(m->method, "CANCEL") ? "INVITE" : m->method);
	if (!m->status)
		MSG_PUT("Max-Forwards: 70" CRLF);
	MSG_PUT("From: <%s>", uri[from]);
	if (tags[from])
		MSG_PUT(";tag=%s", tags[from]);
	MSG_PUT(CRLF "To: <%s>", uri[to]);
	if (tags[to])
		MSG_PUT(";tag=%s", tags[to]);
	MSG_PUT(CRLF "Call-ID: %s" CRLF "CSeq: %u %s" CRLF,
		m->call_id ? m->call_id : MSG_CALL_ID, m->cseq, m->method);
	if (has_contact)
		MSG_PUT("Contact: <%s>" CRLF,
			contact[m->status ? to : from]);
	if (m->sdp)
		MSG_PUT("Content-Type: application/sdp" CRLF);
	MSG_PUT("Content-Length: %zu" CRLF CRLF "%s", strlen(body), body);
#undef MSG_PUT
	return (int)n;
}

#endif /* VOIPFW_ENGINE_MSGS_H */
