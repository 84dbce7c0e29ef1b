/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * store_open.c - open (connection settings, the file's identity, the schema,
 * quick_check), close, the full check, and naming a lock's holder.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "store_internal.h"

/*
 * Run one statement (a PRAGMA, a query) to its end; the first column of
 * its rows, joined by "; ", goes to out (cut at outlen).
 */
static int run(struct snic_mgr_store *s, const char *sql, const char *what,
	       char *out, size_t outlen)
{
	sqlite3_stmt *st;
	size_t n = 0;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	int err;

	if (rc != SQLITE_OK)
		return store_sqlite_fail(s, rc, what);
	out[0] = '\0';
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		if (n < outlen)
			n += (size_t)snprintf(out + n, outlen - n, "%s%s",
					      n ? "; " : "", t ? (const char *)t : "");
	}
	err = rc == SQLITE_DONE ? 0 : store_sqlite_fail(s, rc, what);
	/* finalize repeats the step's error, reported above */
	(void)sqlite3_finalize(st);
	return err;
}

static int run_int(struct snic_mgr_store *s, const char *sql, const char *what,
		   long long *v)
{
	char out[32];
	int err = run(s, sql, what, out, sizeof(out));

	*v = err ? 0 : strtoll(out, NULL, 10);
	return err;
}

/* Make a new file's directory entry durable (SQLite syncs only the WAL's). */
static int sync_dir(struct snic_mgr_store *s)
{
	char *dir = strdup(s->path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	int fd, err = 0;

	if (!dir)
		return store_fail(s, -ENOMEM, "%s: out of memory", s->path);
	if (!slash)
		strcpy(dir, ".");
	else
		slash[slash == dir] = '\0';  /* "/x" -> "/" */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		err = store_fail(s, -errno, "%s: syncing directory %s: %s",
				 s->path, dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
	return err;
}

static int create_schema(struct snic_mgr_store *s)
{
	char pragmas[128];
	int rc;

	/* constants only: no text from outside goes into SQL */
	snprintf(pragmas, sizeof(pragmas), "PRAGMA application_id = %d;"
		 " PRAGMA user_version = %d; COMMIT",
		 SNIC_MGR_STORE_APPLICATION_ID, SNIC_MGR_STORE_SCHEMA_VERSION);
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, store_schema_sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, pragmas, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int err = store_sqlite_fail(s, rc, "creating the schema");

		if (!sqlite3_get_autocommit(s->db))  /* error already reported */
			(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return err;
	}
	return sync_dir(s);
}

/* Is this our file, of a version we read, undamaged?  Create it if empty. */
static int identify(struct snic_mgr_store *s)
{
	long long app, ver, objects;
	char out[SNIC_MGR_STORE_MSG_LEN / 2];
	int err;

	if ((err = run_int(s, "PRAGMA application_id", "reading the header", &app)) ||
	    (err = run_int(s, "PRAGMA user_version", "reading the header", &ver)) ||
	    (err = run_int(s, "SELECT count(*) FROM sqlite_schema",
			   "reading the schema", &objects)))
		return err;
	if (app == 0 && ver == 0 && objects == 0)
		return create_schema(s);
	if (app != SNIC_MGR_STORE_APPLICATION_ID)
		return store_fail(s, -EINVAL,
				  "%s: not a snic store: an SQLite database of "
				  "another application (application_id %#llx, "
				  "user_version %lld, %lld schema objects); snic "
				  "leaves it alone: use another path", s->path,
				  (unsigned long long)app, ver, objects);
	if (ver > SNIC_MGR_STORE_SCHEMA_VERSION)
		return store_fail(s, -ENOTSUP,
				  "%s: written by a newer snic (store schema "
				  "version %lld; this snic reads up to %d): "
				  "upgrade snic, or restore a backup this version "
				  "wrote", s->path, ver, SNIC_MGR_STORE_SCHEMA_VERSION);
	if (ver < 1)
		return store_fail(s, -EUCLEAN,
				  "%s: a snic store without a valid schema "
				  "version (%lld): the header is damaged", s->path, ver);
	if ((err = run(s, "PRAGMA quick_check", "PRAGMA quick_check", out,
		       sizeof(out))))
		return err;
	if (strcmp(out, "ok") != 0)
		return store_fail(s, -EUCLEAN,
				  "%s: the database is corrupt (PRAGMA quick_check: "
				  "%s): restore a backup, or move the file away to "
				  "start empty", s->path, out);
	return 0;
}

static int open_db(struct snic_mgr_store *s)
{
	char mode[32];
	long long sync;
	int rc, err;

	rc = sqlite3_open_v2(s->path, &s->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(s, rc, "opening");
	if (sqlite3_db_readonly(s->db, "main") == 1)  /* SQLite's fallback */
		return store_fail(s, -EACCES, "%s: the file is read-only for "
				  "this process (permissions?): the store must be "
				  "writable", s->path);
	if ((rc = sqlite3_busy_timeout(s->db, SNIC_MGR_STORE_BUSY_MS)) ||
	    (rc = sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL)) ||
	    (rc = sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL)))
		return store_sqlite_fail(s, rc, "configuring SQLite");
	/* Exclusive before the first access: the lock is then held until
	 * close and the WAL index lives in this process, not in -shm. */
	if ((err = run(s, "PRAGMA locking_mode = EXCLUSIVE", "setting the locking mode",
		       mode, sizeof(mode))) ||
	    (err = run(s, "PRAGMA journal_mode = WAL", "opening", mode,
		       sizeof(mode))))
		return err;
	if (strcmp(mode, "wal") != 0)
		return store_fail(s, -EIO, "%s: cannot use write-ahead logging "
				  "(journal_mode stays %s)", s->path, mode);
	if ((err = run(s, "PRAGMA synchronous = FULL", "setting synchronous",
		       mode, sizeof(mode))) ||
	    (err = run(s, "PRAGMA foreign_keys = ON", "setting foreign_keys",
		       mode, sizeof(mode))) ||
	    (err = run_int(s, "PRAGMA synchronous", "setting synchronous", &sync)))
		return err;
	if (sync != 2)
		return store_fail(s, -EIO, "%s: SQLite refused synchronous=FULL "
				  "(it is %lld)", s->path, sync);
	if ((err = identify(s)))
		return err;
	for (int i = 0; i < ST_COUNT; i++) {
		rc = sqlite3_prepare_v3(s->db, store_stmt_sql[i], -1,
					SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL);
		if (rc != SQLITE_OK)
			return store_sqlite_fail(s, rc, "preparing statements "
						 "(is the schema damaged?)");
	}
	return 0;
}

int snic_mgr_store_open(const char *path, struct snic_mgr_store **out,
			char *err, size_t errlen)
{
	struct snic_mgr_store *s;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!out || !path || !*path) {
		if (err && errlen)
			snprintf(err, errlen, "snic_mgr_store_open: a path and "
				 "a place for the store are required");
		return -EINVAL;
	}
	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	rc = open_db(s);
	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "%s", s->msg);
		snic_mgr_store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void snic_mgr_store_close(struct snic_mgr_store *s)
{
	if (!s)
		return;
	/* finalize repeats a statement's last error, already reported; close
	 * rolls an open transaction back and cannot fail once every statement
	 * is finalized (what is committed is on disk already). */
	for (int i = 0; i < ST_COUNT; i++)
		(void)sqlite3_finalize(s->stmt[i]);
	(void)sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

const char *snic_mgr_store_error(const struct snic_mgr_store *s)
{
	return s ? s->msg : "no store (NULL)";
}

int snic_mgr_store_check(struct snic_mgr_store *s)
{
	static const struct snic_mgr_store_visitor none;
	char out[SNIC_MGR_STORE_MSG_LEN / 2];
	int err = store_guard(s, "check", NEED_NO_TXN);

	if (err || (err = run(s, "PRAGMA integrity_check", "PRAGMA integrity_check",
			      out, sizeof(out))))
		return err;
	if (strcmp(out, "ok") != 0)
		return store_fail(s, -EUCLEAN, "%s: the database is corrupt "
				  "(PRAGMA integrity_check: %s): restore a backup, "
				  "or move the file away to start empty", s->path, out);
	return snic_mgr_store_load(s, &none, NULL);
}

const char *store_lock_holder(const char *path, char *buf, size_t len)
{
	struct stat st;
	char line[256];
	FILE *f;

	snprintf(buf, len, "another process (pid unknown)");
	if (stat(path, &st) != 0 || !(f = fopen("/proc/locks", "re")))
		return buf;
	/* "1: POSIX  ADVISORY  WRITE 9844 fe:00:11034946 1073741826 1073742335";
	 * waiters ("1: -> POSIX ...") do not parse and are skipped. */
	while (fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		unsigned long long ino;
		char comm[64] = "?", proc[64];
		FILE *c;
		int pid;

		if (sscanf(line, "%*d: %*s %*s %*s %d %x:%x:%llu", &pid, &maj,
			   &min, &ino) != 4 || pid <= 0 || ino != st.st_ino ||
		    maj != major(st.st_dev) || min != minor(st.st_dev))
			continue;
		if (pid == getpid()) {
			snprintf(buf, len, "another connection in this process");
			break;
		}
		snprintf(proc, sizeof(proc), "/proc/%d/comm", pid);
		if ((c = fopen(proc, "re"))) {
			if (fgets(comm, sizeof(comm), c))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(c);
		}
		snprintf(buf, len, "another process: pid %d (%s); stop it first",
			 pid, comm);
		break;
	}
	fclose(f);
	return buf;
}
