/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tollconf.h - toll classes: the dial plan, destination classes by
 * longest E.164 prefix, and each class's limits and time windows, from
 * one plain text file (voipfw-toll.conf(5); rulesets/toll-classes.list is
 * the shipped default).
 *
 *   country-code 44
 *   international-prefix 00
 *   national-prefix 0
 *   class national home                 # +44: the country code
 *   class premium-rate +449 +1900
 *   class satellite +870 +881 +882
 *   class international +               # every other number
 *   class internal short name
 *   class emergency =112 =999
 *   class unreadable invalid
 *   exempt emergency
 *   internal internal
 *   limit international per-hour 10 concurrent 2 duration 2h cooldown 1h
 *   window international mon-fri 08:00-19:00
 *
 * A file is taken whole or refused with "NAME:LINE:COL: what".  Every
 * number must fall in a class: a file that does not map '+', 'short',
 * 'name' and 'invalid' to classes is refused, so no number is left
 * without a verdict (fail closed by construction).
 */
#ifndef VOIPFW_TOLLCONF_H
#define VOIPFW_TOLLCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/span.h"
#include "toll/dialplan.h"

#define TOLLCONF_CLASS_MAX	32
#define TOLLCONF_NAME_MAX	31
#define TOLLCONF_WINDOWS	16
#define TOLLCONF_PREFIX_MAX	4096	/* '+' prefixes in a file */
#define TOLLCONF_EXACT_MAX	64	/* '=' short codes in a file */
#define TOLLCONF_FILE_MAX	(1u << 20)
#define TOLLCONF_LINE_MAX	4096
#define TOLLCONF_COUNT_MAX	100000	/* per-hour, concurrent */
#define TOLLCONF_SECONDS_MAX	(366u * 86400)

/* per_hour and concurrent when no limit is set */
#define TOLLCONF_UNLIMITED	UINT32_MAX

/**
 * enum tollconf_flags - what kind of destination a class is
 * @TOLLCONF_EXEMPT:   never limited, never blocked, not even by a manual
 *                     block (emergency numbers)
 * @TOLLCONF_INTERNAL: not an outbound call: no limits; block-ext and the
 *                     breaker leave it alone (extensions, names)
 */
enum tollconf_flags {
	TOLLCONF_EXEMPT		= 1 << 0,
	TOLLCONF_INTERNAL	= 1 << 1,
};

/**
 * struct tollconf_window - calls may start from @start to @end (minutes
 * of the day, @end exclusive, 1440 for 24:00) on the days in @days (bit 0
 * Monday .. bit 6 Sunday); @end <= @start runs past midnight into the
 * next day.
 */
struct tollconf_window {
	uint8_t		days;
	uint16_t	start;
	uint16_t	end;
};

/**
 * struct tollconf_class - one destination class
 * @name:       [a-z][a-z0-9_-]*
 * @flags:      enum tollconf_flags
 * @per_hour:   calls an extension may start in an hour, or UNLIMITED
 * @concurrent: live calls an extension may have, or UNLIMITED
 * @duration:   longest call in seconds, 0 for none
 * @cooldown:   how long a tripped breaker blocks, seconds; 0: a limit
 *              only refuses the call, no breaker
 * @guarded:    a 'limit' line names the class: the breaker covers it
 * @windows:    when calls may start; none: at any time
 * @line:       where the class was declared
 */
struct tollconf_class {
	char			name[TOLLCONF_NAME_MAX + 1];
	uint32_t		flags;
	uint32_t		per_hour;
	uint32_t		concurrent;
	uint32_t		duration;
	uint32_t		cooldown;
	bool			guarded;
	uint8_t			n_windows;
	struct tollconf_window	windows[TOLLCONF_WINDOWS];
	uint32_t		line;
};

struct tollconf_node;

/**
 * struct tollconf - a parsed file
 * @dp:         the dial plan
 * @classes:    in the order of their first 'class' line
 * @short_class, @name_class, @invalid_class: the class of a short code
 *              without an exact '=' entry, of a name, of an invalid number
 */
struct tollconf {
	struct dialplan		dp;
	unsigned int		n_classes;
	struct tollconf_class	classes[TOLLCONF_CLASS_MAX];
	int			short_class;
	int			name_class;
	int			invalid_class;
	/* private: '=' codes, and the prefix trie (node 0 is '+') */
	unsigned int		n_exact;
	struct {
		char		code[DIALPLAN_PREFIX_LEN + 2];
		uint8_t		len;
		uint8_t		cls;
	}			exact[TOLLCONF_EXACT_MAX];
	struct tollconf_node	*nodes;
	uint32_t		n_nodes, cap_nodes, n_prefixes;
};

/* Parse @len bytes at @text (no NUL needed); @name names the file in
 * errors.  The conf (tollconf_free() it), or NULL with "NAME:LINE:COL:
 * what" in @err (or "NAME: out of memory"). */
struct tollconf *tollconf_parse(const char *text, size_t len, const char *name,
				char *err, size_t errlen);
void tollconf_free(struct tollconf *conf);

/* The class of @num: an index into @conf->classes, always valid. */
unsigned int tollconf_classify(const struct tollconf *conf,
			       const struct dialplan_number *num);

/* The index of the class called @name, or -1. */
int tollconf_class_find(const struct tollconf *conf, struct span name);

/* May a call of class @c start at @week_min (minutes since Monday 00:00,
 * local time, 0 .. 10079)? */
bool tollconf_window_open(const struct tollconf_class *c, uint32_t week_min);

#endif /* VOIPFW_TOLLCONF_H */
