// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfkmod.c - voipfw.ko's generic netlink family through libmnl.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "vfkmod.h"

/* a message: 256 patterns of up to 64 bytes fit with their headers */
#define VFKMOD_BUF	32768

struct vfkmod {
	struct mnl_socket	*nl;
	uint32_t		portid;
	uint32_t		seq;
	uint16_t		family;
	uint32_t		abi_version;
	uint32_t		abi_size;
	uint32_t		max_sources;
	/* the last reply's attributes that a caller asked for */
	uint64_t		*stats;
	uint32_t		got_version;
	uint32_t		got_size;
};

static const char *const stat_names[__VOIPFW_S_MAX] = {
	[VOIPFW_S_SEEN]			= "seen",
	[VOIPFW_S_PASSED]		= "passed",
	[VOIPFW_S_NOT_REQUEST]		= "not-request",
	[VOIPFW_S_DROP_REGISTER]	= "drop-register",
	[VOIPFW_S_DROP_INVITE]		= "drop-invite",
	[VOIPFW_S_DROP_OPTIONS]		= "drop-options",
	[VOIPFW_S_DROP_OTHER]		= "drop-other",
	[VOIPFW_S_DROP_SCANNER]		= "drop-scanner",
	[VOIPFW_S_OVERFLOW]		= "overflow",
	[VOIPFW_S_SRC_ALLOC]		= "src-alloc",
	[VOIPFW_S_SRC_FREE]		= "src-free",
	[VOIPFW_S_SRC_ALLOC_FAIL]	= "src-alloc-fail",
	[VOIPFW_S_SRC_NOW]		= "src-now",
	[VOIPFW_S_SRC_EXPIRED]		= "src-expired",
	[VOIPFW_S_CFG_ALLOC]		= "cfg-alloc",
	[VOIPFW_S_CFG_FREE]		= "cfg-free",
	[VOIPFW_S_UNJUDGED]		= "unjudged",
};

const char *vfkmod_stat_name(unsigned int s)
{
	return s < __VOIPFW_S_MAX ? stat_names[s] : NULL;
}

void vfkmod_pose(struct vfkmod *k, uint32_t abi_version, uint32_t abi_size)
{
	k->abi_version = abi_version;
	k->abi_size = abi_size;
}

uint32_t vfkmod_max_sources(const struct vfkmod *k)
{
	return k->max_sources;
}

/* The extended ack's message of an error reply, if any. */
static const char *ext_ack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	mnl_attr_for_each(a, nlh, off)
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
			return mnl_attr_get_str(a);
	return NULL;
}

typedef int (*attr_cb)(const struct nlattr *a, void *data);

/* Send @nlh and read replies until the ack or error: each reply's
 * top-level attributes go to @cb.  0, or -1 with errno and @err. */
static int talk(struct vfkmod *k, struct nlmsghdr *nlh, attr_cb cb,
		char *err, size_t errlen)
{
	char buf[VFKMOD_BUF];
	uint32_t seq = nlh->nlmsg_seq;

	if (mnl_socket_sendto(k->nl, nlh, nlh->nlmsg_len) < 0) {
		snprintf(err, errlen, "netlink send: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(k->nl, buf, sizeof(buf));
		const struct nlmsghdr *r = (const struct nlmsghdr *)buf;
		size_t len;

		if (n < 0) {
			snprintf(err, errlen, "netlink receive: %s", strerror(errno));
			return -1;
		}
		len = (size_t)n;
		for (; mnl_nlmsg_ok(r, (int)len); r = mnl_nlmsg_next(r, (int *)&len)) {
			if (r->nlmsg_seq != seq)
				continue;
			if (r->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(r);
				const char *m;

				if (!e->error)
					return 0;
				m = ext_ack_msg(r);
				errno = -e->error;
				snprintf(err, errlen, "%s%s%s", strerror(errno),
					 m ? ": " : "", m ? m : "");
				return -1;
			}
			if (r->nlmsg_type == NLMSG_DONE)
				return 0;
			if (cb && mnl_attr_parse(r, sizeof(struct genlmsghdr),
						 (mnl_attr_cb_t)cb, k) < 0) {
				snprintf(err, errlen, "malformed reply");
				errno = EPROTO;
				return -1;
			}
		}
	}
}

static struct nlmsghdr *msg_start(struct vfkmod *k, char *buf, uint16_t type,
				  uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++k->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

static struct nlmsghdr *vf_msg(struct vfkmod *k, char *buf, uint8_t cmd)
{
	struct nlmsghdr *nlh = msg_start(k, buf, k->family, cmd, VOIPFW_GENL_VERSION);

	mnl_attr_put_u32(nlh, VOIPFW_A_ABI_VERSION, k->abi_version);
	mnl_attr_put_u32(nlh, VOIPFW_A_ABI_SIZE, k->abi_size);
	return nlh;
}

static int family_cb(const struct nlattr *a, void *data)
{
	struct vfkmod *k = data;

	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
		k->family = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int hello_cb(const struct nlattr *a, void *data)
{
	struct vfkmod *k = data;

	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return MNL_CB_OK;
	switch (mnl_attr_get_type(a)) {
	case VOIPFW_A_ABI_VERSION:
		k->got_version = mnl_attr_get_u32(a);
		break;
	case VOIPFW_A_ABI_SIZE:
		k->got_size = mnl_attr_get_u32(a);
		break;
	case VOIPFW_A_MAX_SOURCES:
		k->max_sources = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

struct vfkmod *vfkmod_open(uint32_t abi_version, uint32_t abi_size,
			   enum vfkmod_status *status, char *err, size_t errlen)
{
	char buf[VFKMOD_BUF];
	struct nlmsghdr *nlh;
	struct vfkmod *k;
	int one = 1;

	*status = VFKMOD_ERROR;
	k = calloc(1, sizeof(*k));
	if (!k) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	k->abi_version = abi_version;
	k->abi_size = abi_size;
	k->seq = (uint32_t)time(NULL);
	k->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!k->nl) {
		snprintf(err, errlen, "netlink socket: %s", strerror(errno));
		goto err_free;
	}
	/* error replies carry the module's message, not our request */
	mnl_socket_setsockopt(k->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(k->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(k->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "netlink bind: %s", strerror(errno));
		goto err_close;
	}
	k->portid = mnl_socket_get_portid(k->nl);

	nlh = msg_start(k, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, VOIPFW_GENL_NAME);
	if (talk(k, nlh, family_cb, err, errlen) < 0 || !k->family) {
		if (errno == ENOENT) {
			*status = VFKMOD_ABSENT;
			snprintf(err, errlen, "the voipfw kernel module is not loaded (no generic netlink family \"%s\")",
				 VOIPFW_GENL_NAME);
		}
		goto err_close;
	}

	nlh = vf_msg(k, buf, VOIPFW_CMD_HELLO);
	if (talk(k, nlh, hello_cb, err, errlen) < 0)
		goto err_close;
	if (k->got_version != abi_version || k->got_size != abi_size) {
		*status = VFKMOD_MISMATCH;
		snprintf(err, errlen, "the voipfw kernel module speaks ABI version %u (config %u bytes), this program version %u (config %u bytes): refusing it; build both from one voipfw_uapi.h",
			 k->got_version, k->got_size, abi_version, abi_size);
		goto err_close;
	}
	*status = VFKMOD_OK;
	return k;

err_close:
	mnl_socket_close(k->nl);
err_free:
	free(k);
	return NULL;
}

void vfkmod_close(struct vfkmod *k)
{
	if (!k)
		return;
	mnl_socket_close(k->nl);
	free(k);
}

int vfkmod_set_config(struct vfkmod *k, const struct voipfw_config *cfg,
		      const char *const *patterns, unsigned int n,
		      char *err, size_t errlen)
{
	char buf[VFKMOD_BUF];
	struct nlmsghdr *nlh = vf_msg(k, buf, VOIPFW_CMD_SET_CONFIG);
	unsigned int i;

	mnl_attr_put(nlh, VOIPFW_A_CONFIG, sizeof(*cfg), cfg);
	if (n) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, VOIPFW_A_PATTERNS);

		for (i = 0; i < n; i++)
			if (!mnl_attr_put_strz_check(nlh, sizeof(buf), VOIPFW_A_PATTERN,
						     patterns[i])) {
				snprintf(err, errlen, "too many patterns for one message");
				errno = EMSGSIZE;
				return -1;
			}
		mnl_attr_nest_end(nlh, nest);
	}
	return talk(k, nlh, NULL, err, errlen);
}

static int stats_cb(const struct nlattr *a, void *data)
{
	struct vfkmod *k = data;
	const struct nlattr *s;

	if (mnl_attr_get_type(a) != VOIPFW_A_STATS)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(s, a) {
		unsigned int t = mnl_attr_get_type(s);

		/* counters a newer module appends are skipped */
		if (t < __VOIPFW_S_MAX && t != VOIPFW_S_PAD &&
		    mnl_attr_validate(s, MNL_TYPE_U64) >= 0)
			k->stats[t] = mnl_attr_get_u64(s);
	}
	return MNL_CB_OK;
}

int vfkmod_get_stats(struct vfkmod *k, uint64_t v[__VOIPFW_S_MAX],
		     char *err, size_t errlen)
{
	char buf[VFKMOD_BUF];
	struct nlmsghdr *nlh = vf_msg(k, buf, VOIPFW_CMD_GET_STATS);
	int ret;

	memset(v, 0, sizeof(uint64_t) * __VOIPFW_S_MAX);
	k->stats = v;
	ret = talk(k, nlh, stats_cb, err, errlen);
	k->stats = NULL;
	return ret;
}
