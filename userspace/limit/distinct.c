// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * distinct.c - linear counting over 128 bits (see distinct.h).
 */
#include "limit/distinct.h"

/* -128 ln(z / 128), rounded, for z zero bits of 128 (linear counting) */
static const uint16_t linear_count[129] = {
	622, 621, 532, 480, 444, 415, 392, 372, 355, 340, 326, 314, 303, 293,
	283, 274, 266, 258, 251, 244, 238, 231, 225, 220, 214, 209, 204, 199,
	195, 190, 186, 182, 177, 174, 170, 166, 162, 159, 155, 152, 149, 146,
	143, 140, 137, 134, 131, 128, 126, 123, 120, 118, 115, 113, 110, 108,
	106, 104, 101, 99, 97, 95, 93, 91, 89, 87, 85, 83, 81, 79, 77, 75,
	74, 72, 70, 68, 67, 65, 63, 62, 60, 59, 57, 55, 54, 52, 51, 49, 48,
	47, 45, 44, 42, 41, 40, 38, 37, 35, 34, 33, 32, 30, 29, 28, 27, 25,
	24, 23, 22, 21, 19, 18, 17, 16, 15, 14, 13, 12, 10, 9, 8, 7, 6, 5, 4,
	3, 2, 1, 0,
};

uint32_t distinct_count(const struct distinct *d)
{
	unsigned int set = (unsigned int)(__builtin_popcountll(d->cur[0] | d->prev[0]) +
					  __builtin_popcountll(d->cur[1] | d->prev[1]));

	return linear_count[128 - set];
}
