/// Lectern's schema history. Append new migrations; never edit one that has shipped
/// (the recorded checksum would refuse every database made with it).
enum Schema {
    static let migrations: [Migration] = [
        Migration(version: 1, name: "accounts, sessions, activity", sql: """
            CREATE TABLE readers (
              id INTEGER PRIMARY KEY,
              email TEXT NOT NULL UNIQUE,
              display_name TEXT NOT NULL,
              password_hash TEXT NOT NULL,
              status INTEGER NOT NULL DEFAULT 1,
              created_at_ms INTEGER NOT NULL,
              last_seen_at_ms INTEGER NOT NULL DEFAULT 0
            ) STRICT;

            CREATE TABLE consultants (
              id INTEGER PRIMARY KEY,
              email TEXT NOT NULL UNIQUE,
              display_name TEXT NOT NULL,
              password_hash TEXT NOT NULL,
              role INTEGER NOT NULL,
              created_at_ms INTEGER NOT NULL
            ) STRICT;

            -- A token is never stored, only its hash.
            CREATE TABLE sessions (
              token_hash BLOB PRIMARY KEY,
              account_kind INTEGER NOT NULL,
              account_id INTEGER NOT NULL,
              created_at_ms INTEGER NOT NULL,
              expires_at_ms INTEGER NOT NULL,
              revoked_at_ms INTEGER NOT NULL DEFAULT 0
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX sessions_account ON sessions (account_kind, account_id);

            CREATE TABLE service_keys (
              id INTEGER PRIMARY KEY,
              name TEXT NOT NULL UNIQUE,
              key_hash BLOB NOT NULL UNIQUE,
              created_at_ms INTEGER NOT NULL,
              revoked_at_ms INTEGER NOT NULL DEFAULT 0
            ) STRICT;

            -- Append-only. (reader, client session, sequence) is an event's identity: a
            -- retried event finds its first copy through events_identity.
            CREATE TABLE events (
              id INTEGER PRIMARY KEY,
              reader_id INTEGER NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
              client_session_id TEXT NOT NULL,
              sequence INTEGER NOT NULL,
              type TEXT NOT NULL,
              occurred_at_ms INTEGER NOT NULL,
              received_at_ms INTEGER NOT NULL,
              content_id TEXT NOT NULL DEFAULT '',
              progress REAL,
              payload BLOB NOT NULL DEFAULT x''
            ) STRICT;
            CREATE UNIQUE INDEX events_identity ON events (reader_id, client_session_id, sequence);
            -- A reader's history, newest first, paged by id.
            CREATE INDEX events_reader ON events (reader_id, id);
            -- Recent activity for the dashboard, and archiving by age.
            CREATE INDEX events_received ON events (received_at_ms);

            -- One row per reader, kept current by the writer in the transaction that
            -- stores the events changing it.
            CREATE TABLE reader_state (
              reader_id INTEGER PRIMARY KEY REFERENCES readers (id) ON DELETE CASCADE,
              event_count INTEGER NOT NULL DEFAULT 0,
              last_event_at_ms INTEGER NOT NULL DEFAULT 0,
              last_event_type TEXT NOT NULL DEFAULT '',
              current_content_id TEXT NOT NULL DEFAULT '',
              progress REAL,
              milestones_completed INTEGER NOT NULL DEFAULT 0,
              unread_messages INTEGER NOT NULL DEFAULT 0
            ) STRICT;

            CREATE TABLE milestones (
              reader_id INTEGER NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
              content_id TEXT NOT NULL,
              status INTEGER NOT NULL,
              score REAL NOT NULL DEFAULT 0,
              started_at_ms INTEGER NOT NULL,
              updated_at_ms INTEGER NOT NULL,
              completed_at_ms INTEGER NOT NULL DEFAULT 0,
              attributes TEXT NOT NULL DEFAULT '{}',
              PRIMARY KEY (reader_id, content_id)
            ) STRICT, WITHOUT ROWID;

            CREATE TABLE messages (
              id INTEGER PRIMARY KEY,
              reader_id INTEGER NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
              consultant_id INTEGER NOT NULL DEFAULT 0,
              direction INTEGER NOT NULL,
              body TEXT NOT NULL,
              sent_at_ms INTEGER NOT NULL,
              read_at_ms INTEGER NOT NULL DEFAULT 0
            ) STRICT;
            CREATE INDEX messages_reader ON messages (reader_id, id);
            """),
        Migration(version: 2, name: "audit log, dashboard indexes", sql: """
            -- Kept when a reader is deleted: the record of who looked is not the reader's data.
            CREATE TABLE audit_log (
              id INTEGER PRIMARY KEY,
              at_ms INTEGER NOT NULL,
              actor_kind INTEGER NOT NULL,
              actor_id INTEGER NOT NULL,
              action TEXT NOT NULL,
              reader_id INTEGER NOT NULL DEFAULT 0,
              peer_pid INTEGER NOT NULL DEFAULT 0,
              peer_uid INTEGER NOT NULL DEFAULT 0,
              detail TEXT NOT NULL DEFAULT ''
            ) STRICT;
            CREATE INDEX audit_actor ON audit_log (actor_kind, actor_id, id);
            CREATE INDEX audit_reader ON audit_log (reader_id, id);

            -- Readers stuck on a milestone: started and not updated for a while.
            CREATE INDEX milestones_open ON milestones (status, updated_at_ms);
            -- Unread reader-to-consultant messages, without scanning read ones.
            CREATE INDEX messages_unread ON messages (direction, id) WHERE read_at_ms = 0;
            """),
        Migration(version: 3, name: "server secrets", sql: """
            -- Keys the server makes once and keeps, such as the one that signs page tokens.
            CREATE TABLE server_secrets (
              name TEXT PRIMARY KEY,
              value BLOB NOT NULL
            ) STRICT;
            """),
        Migration(version: 4, name: "activity feed positions, reader search, counters", sql: """
            -- Events, messages and milestone updates share one sequence of positions, given
            -- by the writer in commit order: a Watch cursor is a position. Event and
            -- message ids are their positions; a milestone keeps the position of its
            -- latest update.
            ALTER TABLE milestones ADD COLUMN feed_position INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX milestones_feed ON milestones (feed_position);

            -- Values the server keeps across restarts: the highest feed position given (so
            -- that deleting the newest rows never lets a position be given twice), and the
            -- number of readers.
            CREATE TABLE counters (
              name TEXT PRIMARY KEY,
              value INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;

            -- ListReaders by a prefix of the display name, whatever its ASCII case.
            CREATE INDEX readers_display_name ON readers (display_name COLLATE NOCASE);

            -- Readers are counted as they are created and deleted.
            INSERT INTO counters (name, value) SELECT 'readers', count(*) FROM readers;
            """),
        Migration(version: 5, name: "events clustered by reader", sql: """
            -- A reader's history is read a page at a time, newest first. Stored by id, the
            -- readers' events are interleaved, so one page of 50 touched about 50 table
            -- pages; stored by (reader, id), it is one or two leaves. Ids stay the feed
            -- positions the writer gives; events_position finds an event by its id.
            CREATE TABLE events_by_reader (
              reader_id INTEGER NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
              id INTEGER NOT NULL,
              client_session_id TEXT NOT NULL,
              sequence INTEGER NOT NULL,
              type TEXT NOT NULL,
              occurred_at_ms INTEGER NOT NULL,
              received_at_ms INTEGER NOT NULL,
              content_id TEXT NOT NULL DEFAULT '',
              progress REAL,
              payload BLOB NOT NULL DEFAULT x'',
              PRIMARY KEY (reader_id, id)
            ) STRICT, WITHOUT ROWID;
            INSERT INTO events_by_reader
              (reader_id, id, client_session_id, sequence, type, occurred_at_ms, received_at_ms, content_id, progress, payload)
              SELECT reader_id, id, client_session_id, sequence, type, occurred_at_ms, received_at_ms, content_id, progress, payload
              FROM events ORDER BY reader_id, id;
            DROP TABLE events;
            ALTER TABLE events_by_reader RENAME TO events;
            CREATE UNIQUE INDEX events_identity ON events (reader_id, client_session_id, sequence);
            -- The feed replays events by position.
            CREATE UNIQUE INDEX events_position ON events (id);
            -- Recent activity for the dashboard, and archiving by age.
            CREATE INDEX events_received ON events (received_at_ms);
            """),
        Migration(version: 6, name: "stuck readers kept per reader", sql: """
            -- Per reader, the oldest update among their open milestones (0 when none), kept
            -- by the writer with every milestone change. "Stuck readers" is then a range of
            -- one index instead of a sort of every open milestone's reader.
            ALTER TABLE reader_state ADD COLUMN open_milestone_since_ms INTEGER NOT NULL DEFAULT 0;
            INSERT INTO reader_state (reader_id)
              SELECT DISTINCT reader_id FROM milestones WHERE status = 1
              AND reader_id NOT IN (SELECT reader_id FROM reader_state);
            UPDATE reader_state SET open_milestone_since_ms = coalesce(
              (SELECT min(updated_at_ms) FROM milestones m WHERE m.reader_id = reader_state.reader_id AND m.status = 1), 0);
            CREATE INDEX reader_state_open_milestone ON reader_state (open_milestone_since_ms) WHERE open_milestone_since_ms > 0;
            """),
        Migration(version: 7, name: "reader ids never given twice", sql: """
            -- The highest reader id given so far; a new reader gets the next one. Without it,
            -- deleting the newest reader let the next sign-up take its id, and with it the
            -- deleted reader's audit rows, and whatever a consultant or gateway still held
            -- under that id (a message meant for the deleted reader). Of readers deleted
            -- before this migration only audit rows remain, which also hold ids that never
            -- were a reader's (a consultant may name any): the count starts at the highest
            -- id left.
            INSERT INTO counters (name, value) SELECT 'last_reader_id', coalesce(max(id), 0) FROM readers;
            """),
        Migration(version: 8, name: "consultants can be suspended", sql: """
            -- 1 while an admin has suspended the consultant (AdminService.SuspendConsultant):
            -- its sessions stop working and it cannot log in, until reinstated.
            ALTER TABLE consultants ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1));
            """),
        Migration(version: 9, name: "readers listed by status", sql: """
            -- ListReaders by status, in id order (the index holds the id too). Without it a
            -- page of the few suspended readers read every reader: 100 ms at 1 million.
            CREATE INDEX readers_status ON readers (status);
            """),
        Migration(version: 10, name: "audit log by action", sql: """
            -- ListAuditLog of one action, newest first. Without it a rare action read the
            -- whole log: 150 ms at 2 million rows, which every consultant's look adds to.
            CREATE INDEX audit_action ON audit_log (action, id);
            """),
    ]
}
