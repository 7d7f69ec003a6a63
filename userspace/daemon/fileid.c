// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fileid.c - a file's identity by stat(2) (see fileid.h).
 */
#include <string.h>
#include <sys/stat.h>

#include "fileid.h"

void file_id_of(const char *path, struct file_id *id)
{
	struct stat sb;

	memset(id, 0, sizeof(*id));
	if (stat(path, &sb))
		return;
	id->exists = true;
	id->dev = sb.st_dev;
	id->ino = sb.st_ino;
	id->size = sb.st_size;
	id->mtime = sb.st_mtim;
}

bool file_id_same(const struct file_id *a, const struct file_id *b)
{
	return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec;
}
