/*
 * msgstore: the operator messages and their crash-safe store.  The loop
 * thread owns the messages in memory, so a new message is visible at once;
 * one writer thread makes each change durable in <dir>/messages.json and
 * the loop thread learns of it through an eventfd, which is when a caller
 * may acknowledge the change (HTTP 201).  A corrupt store never stops the
 * daemon: it falls back to the previous generation, then to empty.
 */
#ifndef TAFEL_MSGSTORE_H
#define TAFEL_MSGSTORE_H

#include <stddef.h>
#include <stdint.h>

#define MSG_ID_SIZE       40   /* ids are 1..39 of [0-9A-Za-z_.-] */
#define MSG_MULTI_SIZE    4097 /* MULTI text, up to 4096 bytes of UTF-8 */
#define MSG_ZONE_SIZE     32
#define MSG_OWNER_SIZE    64
#define MSG_PRIORITY_MIN  1
#define MSG_PRIORITY_MAX  255
#define MSG_WALL_MAX      253402300799999LL /* 9999-12-31T23:59:59.999Z */
#define MSGSTORE_MAX      1000              /* messages in the store */
#define MSGSTORE_FILE_MAX 4194304           /* bytes of messages.json: 4 MiB */

enum msg_source {
	MSG_SOURCE_OPERATOR,
	MSG_SOURCE_PRESET,
	MSG_SOURCE_GPIO,
	MSG_SOURCE_FAILSAFE,
};

/* Strings are NUL-terminated UTF-8 without control characters. */
struct msg {
	char id[MSG_ID_SIZE];
	char multi[MSG_MULTI_SIZE];
	int priority;     /* MSG_PRIORITY_MIN..MSG_PRIORITY_MAX */
	int64_t start_ms; /* wall clock ms, 0..MSG_WALL_MAX */
	int64_t end_ms;   /* 0 = no end, else > start_ms */
	char zone[MSG_ZONE_SIZE];
	int source; /* enum msg_source */
	char owner[MSG_OWNER_SIZE];
	int64_t created_ms; /* wall clock ms */
};

/* Where msgstore_open found the messages it started with. */
enum msgstore_origin {
	MSGSTORE_ORIGIN_NONE,  /* no store yet: first start */
	MSGSTORE_ORIGIN_MAIN,  /* messages.json */
	MSGSTORE_ORIGIN_PREV,  /* messages.json was bad: messages.json.prev */
	MSGSTORE_ORIGIN_EMPTY, /* both bad: started empty */
};

struct loop;
struct msgstore;

/*
 * Called once per change on the loop thread: status 0 once the change is
 * on disk (fsynced file and directory), -1 when a write covering it failed.
 * A change that got -1 stays in memory and is retried with later writes.
 */
typedef void msgstore_done_cb(void *arg, int status);

/*
 * Load <dir>/messages.json (or the previous generation) and start the
 * writer.  NULL with err filled only when dir cannot be opened as a
 * directory or the writer cannot start; bad content is logged, not fatal.
 */
struct msgstore *msgstore_open(
    struct loop *l, const char *dir, char *err, size_t errlen);
/*
 * Write what is not yet on disk, wait (bounded) for the writer, then call
 * every pending callback (0 if its change reached the disk, else -1).
 * Not from inside a msgstore callback.  NULL is a no-op.
 */
void msgstore_close(struct msgstore *s);

/*
 * Add a copy of m, visible at once.  m->id must be new (msgstore_id_new);
 * cb may be NULL.  0, or -1 with errno EINVAL (m fails msgstore_check),
 * EEXIST (id taken) or ENOSPC (MSGSTORE_MAX messages or the file budget
 * reached); cb is not called then.
 */
int msgstore_add(
    struct msgstore *s, const struct msg *m, msgstore_done_cb *cb, void *arg);
/* Remove a message: 0, or -1 with errno ENOENT (cb is not called then). */
int msgstore_remove(
    struct msgstore *s, const char *id, msgstore_done_cb *cb, void *arg);
/* Drop messages whose end is at or before now_ms; returns how many. */
size_t msgstore_expire(struct msgstore *s, int64_t now_ms);

/* The messages in insertion order; valid until the next change. */
const struct msg *msgstore_list(const struct msgstore *s, size_t *n);
const struct msg *msgstore_find(const struct msgstore *s, const char *id);

/* 0 if m may be stored, else -1 with the reason in err. */
int msgstore_check(const struct msg *m, char *err, size_t errlen);
/* A fresh unguessable id: 32 hex digits of getrandom(). */
void msgstore_id_new(char id[MSG_ID_SIZE]);
const char *msgstore_source_name(int source);
int msgstore_source_parse(const char *name, int *source);

enum msgstore_origin msgstore_origin(const struct msgstore *s);
/* Completed store writes so far (for tests and metrics). */
uint64_t msgstore_writes(const struct msgstore *s);

#endif
