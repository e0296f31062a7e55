/*
 * The SQLite floor for Lectern's store benchmark: the least any program must spend to
 * store and read the same rows. Same schema and indexes (read from a file that
 * `lectern-bench schema` prints), same pragmas, one prepared INSERT, 1,000 rows per
 * transaction; then the same reads as Lectern's GetMyState and 50-event history page,
 * through prepared statements on one connection.
 *
 * usage: sqlite_floor SCHEMA.sql DIRECTORY READERS ROWS READ_SECONDS [RUN [PER_TRANSACTION]]
 *
 * RUN (default 1) is how many consecutive rows go to one reader before the next: 1 for
 * Lectern's one-event calls from many readers, 100 for its 100-event batches.
 * PER_TRANSACTION (default 1,000) is how many rows one transaction inserts.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static void exec(sqlite3 *db, const char *sql) { check(sqlite3_exec(db, sql, NULL, NULL, NULL), db, sql); }

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc(size + 1);
    if (fread(text, 1, size, f) != (size_t)size) { perror(path); exit(1); }
    text[size] = 0;
    fclose(f);
    return text;
}

int main(int argc, char **argv) {
    if (argc < 6 || argc > 8) {
        fprintf(stderr, "usage: %s SCHEMA.sql DIRECTORY READERS ROWS READ_SECONDS [RUN [PER_TRANSACTION]]\n", argv[0]);
        return 2;
    }
    const char *schema = read_file(argv[1]);
    char path[4096];
    snprintf(path, sizeof path, "%s/floor.db", argv[2]);
    int readers = atoi(argv[3]);
    int rows = atoi(argv[4]);
    double read_seconds = atof(argv[5]);
    int run = argc >= 7 ? atoi(argv[6]) : 1;
    int per_transaction = argc == 8 ? atoi(argv[7]) : 1000;
    if (run < 1 || per_transaction < 1) {
        fprintf(stderr, "RUN and PER_TRANSACTION must be at least 1\n");
        return 2;
    }

    sqlite3 *db;
    check(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL), db, "open");
    exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
             "PRAGMA cache_size = -65536; PRAGMA mmap_size = 0; PRAGMA temp_store = MEMORY;"
             "PRAGMA wal_autocheckpoint = 4096; PRAGMA journal_size_limit = 67108864;");
    exec(db, schema);

    sqlite3_stmt *reader;
    check(sqlite3_prepare_v2(db, "INSERT INTO readers (email, display_name, password_hash, created_at_ms) VALUES (?, ?, '-', 0)", -1, &reader, NULL), db, "prepare");
    exec(db, "BEGIN");
    for (int i = 0; i < readers; i++) {
        char email[64], name[64];
        snprintf(email, sizeof email, "bench%d@example.org", i);
        snprintf(name, sizeof name, "Reader %d", i);
        sqlite3_bind_text(reader, 1, email, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(reader, 2, name, -1, SQLITE_TRANSIENT);
        check(sqlite3_step(reader), db, "insert reader");
        sqlite3_reset(reader);
    }
    exec(db, "COMMIT");

    const char *payload = "{\"page\":12,\"scroll\":0.42,\"viewport\":\"1280x720\",\"ms\":1834}";
    sqlite3_stmt *insert;
    check(sqlite3_prepare_v2(db,
        "INSERT INTO events (reader_id, client_session_id, sequence, type, occurred_at_ms, received_at_ms, content_id, progress, payload, id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &insert, NULL), db, "prepare insert");
    double start = now();
    for (int i = 0; i < rows; i++) {
        if (i % per_transaction == 0) exec(db, "BEGIN");
        sqlite3_bind_int64(insert, 1, 1 + (i / run) % readers);
        sqlite3_bind_text(insert, 2, "7f3a9c2e-41d8-4b6a-9e0f-1c2d3e4f5a6b", -1, SQLITE_STATIC);
        sqlite3_bind_int64(insert, 3, 1 + i);
        sqlite3_bind_text(insert, 4, "page_view", -1, SQLITE_STATIC);
        sqlite3_bind_int64(insert, 5, 1795000000000LL + i);
        sqlite3_bind_int64(insert, 6, 1795000000000LL + i);
        sqlite3_bind_text(insert, 7, "book-0042/ch-07", -1, SQLITE_STATIC);
        sqlite3_bind_double(insert, 8, 0.5);
        sqlite3_bind_blob(insert, 9, payload, (int)strlen(payload), SQLITE_STATIC);
        sqlite3_bind_int64(insert, 10, 1 + i); /* ids are feed positions, given by the writer as in Lectern */
        check(sqlite3_step(insert), db, "insert event");
        sqlite3_reset(insert);
        if (i % per_transaction == per_transaction - 1 || i == rows - 1) exec(db, "COMMIT");
    }
    double elapsed = now() - start;
    printf("floor ingest: %.0f rows/s (%d rows in %.2f s, %d rows per transaction, %d per reader in a row)\n", rows / elapsed, rows, elapsed, per_transaction, run);
    exec(db, "INSERT INTO reader_state (reader_id, event_count) SELECT reader_id, count(*) FROM events GROUP BY reader_id");

    sqlite3_stmt *state;
    check(sqlite3_prepare_v2(db,
        "SELECT r.id, r.last_seen_at_ms, s.event_count, s.last_event_at_ms, s.last_event_type, s.current_content_id, "
        "s.progress, s.milestones_completed, s.unread_messages "
        "FROM readers r LEFT JOIN reader_state s ON s.reader_id = r.id WHERE r.id = ?", -1, &state, NULL), db, "prepare state");
    sqlite3_stmt *page;
    check(sqlite3_prepare_v2(db,
        "SELECT id, reader_id, client_session_id, sequence, type, occurred_at_ms, received_at_ms, content_id, progress, payload "
        "FROM events WHERE reader_id = ? AND id < ? ORDER BY id DESC LIMIT ?", -1, &page, NULL), db, "prepare page");

    long long queries = 0, checksum = 0;
    start = now();
    while (now() - start < read_seconds) {
        for (int k = 0; k < 100; k++, queries++) {
            exec(db, "BEGIN");
            sqlite3_bind_int64(state, 1, 1 + (queries * 7919) % readers);
            while (sqlite3_step(state) == SQLITE_ROW) {
                checksum += sqlite3_column_int64(state, 2);
                checksum += sqlite3_column_bytes(state, 4) + sqlite3_column_bytes(state, 5);
            }
            sqlite3_reset(state);
            exec(db, "COMMIT");
        }
    }
    elapsed = now() - start;
    printf("floor GetMyState: %.0f queries/s on one connection\n", queries / elapsed);

    queries = 0;
    start = now();
    while (now() - start < read_seconds) {
        for (int k = 0; k < 100; k++, queries++) {
            exec(db, "BEGIN");
            sqlite3_bind_int64(page, 1, 1 + (queries * 7919) % readers);
            sqlite3_bind_int64(page, 2, 9223372036854775807LL);
            sqlite3_bind_int64(page, 3, 50);
            while (sqlite3_step(page) == SQLITE_ROW) {
                for (int c = 0; c < 10; c++) checksum += sqlite3_column_bytes(page, c);
                checksum += sqlite3_column_int64(page, 0);
            }
            sqlite3_reset(page);
            exec(db, "COMMIT");
        }
    }
    elapsed = now() - start;
    printf("floor 50-event history page: %.0f queries/s on one connection\n", queries / elapsed);
    fprintf(stderr, "(checksum %lld)\n", checksum);
    sqlite3_close(db);
    return 0;
}
