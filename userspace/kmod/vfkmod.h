/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfkmod.h - voipfw.ko's control from userspace: generic netlink family
 * "voipfw" through libmnl (kmod/voipfw_uapi.h is the ABI).
 *
 * vfkmod_open() resolves the family and shakes hands: the module's ABI
 * version and config size must be the ones this side was built with, else
 * the handle is refused with a message naming both.
 */
#ifndef VOIPFW_VFKMOD_H
#define VOIPFW_VFKMOD_H

#include <stddef.h>
#include <stdint.h>

#include "../../kmod/voipfw_uapi.h"

/**
 * enum vfkmod_status - what vfkmod_open() found
 * @VFKMOD_OK: the module is there and speaks our ABI
 * @VFKMOD_ABSENT: no family "voipfw": the module is not loaded
 * @VFKMOD_MISMATCH: the module speaks another ABI version or size
 * @VFKMOD_ERROR: anything else (netlink, permissions)
 */
enum vfkmod_status {
	VFKMOD_OK,
	VFKMOD_ABSENT,
	VFKMOD_MISMATCH,
	VFKMOD_ERROR,
};

struct vfkmod;

/*
 * vfkmod_open - a handle speaking ABI @abi_version with config size
 * @abi_size (VOIPFW_ABI_VERSION and sizeof(struct voipfw_config) but for
 * tests that pose as another build).  NULL with *@status and a message in
 * @err otherwise.
 */
struct vfkmod *vfkmod_open(uint32_t abi_version, uint32_t abi_size,
			   enum vfkmod_status *status, char *err, size_t errlen);
void vfkmod_close(struct vfkmod *k);

/* For tests: send the later requests as a build with another ABI would,
 * past the handshake, so that the module's own check can be seen. */
void vfkmod_pose(struct vfkmod *k, uint32_t abi_version, uint32_t abi_size);

/* The module's cap on sources (from the handshake). */
uint32_t vfkmod_max_sources(const struct vfkmod *k);

/* Replace the module's configuration: @cfg and @n patterns (scanner.h
 * syntax, "^" anchors).  0, or -1 with the module's message in @err. */
int vfkmod_set_config(struct vfkmod *k, const struct voipfw_config *cfg,
		      const char *const *patterns, unsigned int n,
		      char *err, size_t errlen);

/* The counters, by enum voipfw_stat (absent ones 0).  0 or -1. */
int vfkmod_get_stats(struct vfkmod *k, uint64_t v[__VOIPFW_S_MAX],
		     char *err, size_t errlen);

/* "seen", "passed", "drop-invite", ...; NULL for none. */
const char *vfkmod_stat_name(unsigned int s);

#endif /* VOIPFW_VFKMOD_H */
