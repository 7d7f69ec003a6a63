/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fileid.h - what a file was when voipfwd last looked at it, so that a
 * policy file replaced or edited (voipfwctl apply renames a new one into
 * place) is read again, and an unchanged one is not.
 */
#ifndef VOIPFW_FILEID_H
#define VOIPFW_FILEID_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

/**
 * struct file_id - @exists false: no such file (the rest zero); a change
 * of any member counts as a new file
 */
struct file_id {
	bool		exists;
	dev_t		dev;
	ino_t		ino;
	off_t		size;
	struct timespec	mtime;
};

/* The file at @path now (stat(2)); an absent one too. */
void file_id_of(const char *path, struct file_id *id);

bool file_id_same(const struct file_id *a, const struct file_id *b);

#endif /* VOIPFW_FILEID_H */
