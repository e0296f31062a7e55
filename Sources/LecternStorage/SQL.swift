/// Every statement the store prepares. Kept in one place so that a test can read each
/// one's `EXPLAIN QUERY PLAN` and fail on a full scan of a large table; in debug builds
/// `Connection.prepare` refuses SQL that is not listed here.
enum SQL {
    static let appliedMigrations = "SELECT version, checksum FROM schema_migrations ORDER BY version"
    static let recordMigration = "INSERT INTO schema_migrations (version, name, checksum, applied_at_ms) VALUES (?, ?, ?, ?)"

    static let insertReader = """
        INSERT INTO readers (email, display_name, password_hash, created_at_ms) VALUES (?, ?, ?, ?) RETURNING id
        """
    static let readerByID = """
        SELECT id, email, display_name, password_hash, status, created_at_ms, last_seen_at_ms FROM readers WHERE id = ?
        """

    static let readerByEmail = """
        SELECT id, email, display_name, password_hash, status, created_at_ms, last_seen_at_ms FROM readers WHERE email = ?
        """

    static let insertConsultant = """
        INSERT INTO consultants (email, display_name, password_hash, role, created_at_ms) VALUES (?, ?, ?, ?, ?) RETURNING id
        """
    static let consultantByID = """
        SELECT id, email, display_name, password_hash, role, created_at_ms FROM consultants WHERE id = ?
        """
    static let consultantByEmail = """
        SELECT id, email, display_name, password_hash, role, created_at_ms FROM consultants WHERE email = ?
        """

    static let insertSession = """
        INSERT INTO sessions (token_hash, account_kind, account_id, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?)
        """
    static let sessionByHash = """
        SELECT token_hash, account_kind, account_id, created_at_ms, expires_at_ms, revoked_at_ms FROM sessions WHERE token_hash = ?
        """
    static let revokeSession = """
        UPDATE sessions SET revoked_at_ms = ? WHERE token_hash = ? AND revoked_at_ms = 0
        """

    static let secretByName = "SELECT value FROM server_secrets WHERE name = ?"
    static let insertSecret = "INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING"

    static let milestone = """
        SELECT reader_id, content_id, status, score, started_at_ms, updated_at_ms, completed_at_ms, attributes
        FROM milestones WHERE reader_id = ? AND content_id = ?
        """
    static let upsertMilestone = """
        INSERT INTO milestones (reader_id, content_id, status, score, started_at_ms, updated_at_ms, completed_at_ms, attributes)
        VALUES (?1, ?2, ?3, ?4, ?5, ?5, CASE ?3 WHEN 2 THEN ?5 ELSE 0 END, ?6)
        ON CONFLICT (reader_id, content_id) DO UPDATE SET
          status = excluded.status,
          score = excluded.score,
          updated_at_ms = excluded.updated_at_ms,
          completed_at_ms = CASE WHEN excluded.status = 2 AND completed_at_ms = 0 THEN excluded.updated_at_ms
                                 WHEN excluded.status = 2 THEN completed_at_ms ELSE 0 END,
          attributes = CASE excluded.attributes WHEN '' THEN attributes ELSE excluded.attributes END
        """
    static let milestonesPage = """
        SELECT reader_id, content_id, status, score, started_at_ms, updated_at_ms, completed_at_ms, attributes
        FROM milestones WHERE reader_id = ? AND content_id > ? ORDER BY content_id LIMIT ?
        """
    static let addMilestonesCompleted = """
        INSERT INTO reader_state (reader_id, milestones_completed) VALUES (?1, ?2)
        ON CONFLICT (reader_id) DO UPDATE SET milestones_completed = max(0, milestones_completed + excluded.milestones_completed)
        """

    static let insertMessage = """
        INSERT INTO messages (reader_id, consultant_id, direction, body, sent_at_ms) VALUES (?, ?, ?, ?, ?) RETURNING id
        """
    static let messagesPage = """
        SELECT id, reader_id, consultant_id, direction, body, sent_at_ms, read_at_ms
        FROM messages WHERE reader_id = ?1 AND id < ?2 AND (?4 = 0 OR (read_at_ms = 0 AND direction = 2)) ORDER BY id DESC LIMIT ?3
        """
    static let markMessageRead = """
        UPDATE messages SET read_at_ms = ?3 WHERE id = ?2 AND reader_id = ?1 AND direction = 2 AND read_at_ms = 0
        """
    static let markMessagesReadUpTo = """
        UPDATE messages SET read_at_ms = ?3 WHERE reader_id = ?1 AND id <= ?2 AND direction = 2 AND read_at_ms = 0
        """
    static let addUnreadMessages = """
        INSERT INTO reader_state (reader_id, unread_messages) VALUES (?1, max(0, ?2))
        ON CONFLICT (reader_id) DO UPDATE SET unread_messages = max(0, unread_messages + ?2)
        """

    static let readersPage = """
        SELECT id, email, display_name, password_hash, status, created_at_ms, last_seen_at_ms
        FROM readers WHERE id > ?1 AND (?2 = 0 OR status = ?2) ORDER BY id LIMIT ?3
        """
    static let insertAudit = """
        INSERT INTO audit_log (at_ms, actor_kind, actor_id, action, reader_id, peer_pid, peer_uid, detail)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
        """
    static let auditByReader = """
        SELECT id, at_ms, actor_kind, actor_id, action, reader_id, peer_pid, peer_uid, detail
        FROM audit_log WHERE reader_id = ? AND id < ? ORDER BY id DESC LIMIT ?
        """

    static let setConsultantRole = """
        UPDATE consultants SET role = ? WHERE id = ?
        RETURNING id, email, display_name, password_hash, role, created_at_ms
        """
    static let auditPage = """
        SELECT id, at_ms, actor_kind, actor_id, action, reader_id, peer_pid, peer_uid, detail
        FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?
        """

    static let insertEvent = """
        INSERT INTO events (reader_id, client_session_id, sequence, type, occurred_at_ms, received_at_ms, content_id, progress, payload)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (reader_id, client_session_id, sequence) DO NOTHING
        """
    static let eventIDByIdentity = """
        SELECT id FROM events WHERE reader_id = ? AND client_session_id = ? AND sequence = ?
        """
    static let upsertReaderState = """
        INSERT INTO reader_state (reader_id, event_count, last_event_at_ms, last_event_type, current_content_id, progress)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        ON CONFLICT (reader_id) DO UPDATE SET
          event_count = event_count + excluded.event_count,
          last_event_at_ms = max(last_event_at_ms, excluded.last_event_at_ms),
          last_event_type = excluded.last_event_type,
          current_content_id = CASE excluded.current_content_id WHEN '' THEN current_content_id ELSE excluded.current_content_id END,
          progress = coalesce(excluded.progress, progress)
        """
    static let eventsPage = """
        SELECT id, reader_id, client_session_id, sequence, type, occurred_at_ms, received_at_ms, content_id, progress, payload
        FROM events WHERE reader_id = ?1 AND id < ?2 AND received_at_ms >= ?4
          AND (?5 = '[]' OR type IN (SELECT value FROM json_each(?5)))
        ORDER BY id DESC LIMIT ?3
        """
    static let readerState = """
        SELECT r.id, r.last_seen_at_ms, s.event_count, s.last_event_at_ms, s.last_event_type, s.current_content_id,
               s.progress, s.milestones_completed, s.unread_messages
        FROM readers r LEFT JOIN reader_state s ON s.reader_id = r.id WHERE r.id = ?
        """

    // The writer's transaction control, prepared once instead of parsed per command.
    static let begin = "BEGIN IMMEDIATE"
    /// A read transaction: its snapshot starts at the first read and lasts until COMMIT.
    static let beginRead = "BEGIN"
    static let commit = "COMMIT"
    static let savepoint = "SAVEPOINT command"
    static let release = "RELEASE command"
    static let rollbackToSavepoint = "ROLLBACK TO command"

    /// Every statement above, by name.
    static let all: [(name: String, sql: String)] = [
        ("appliedMigrations", appliedMigrations), ("recordMigration", recordMigration),
        ("insertReader", insertReader), ("readerByID", readerByID), ("readerByEmail", readerByEmail),
        ("insertConsultant", insertConsultant), ("consultantByID", consultantByID), ("consultantByEmail", consultantByEmail),
        ("insertSession", insertSession), ("sessionByHash", sessionByHash), ("revokeSession", revokeSession),
        ("secretByName", secretByName), ("insertSecret", insertSecret),
        ("readersPage", readersPage), ("insertAudit", insertAudit), ("auditByReader", auditByReader),
        ("setConsultantRole", setConsultantRole), ("auditPage", auditPage),
        ("milestone", milestone), ("upsertMilestone", upsertMilestone), ("milestonesPage", milestonesPage),
        ("addMilestonesCompleted", addMilestonesCompleted),
        ("insertMessage", insertMessage), ("messagesPage", messagesPage), ("markMessageRead", markMessageRead),
        ("markMessagesReadUpTo", markMessagesReadUpTo), ("addUnreadMessages", addUnreadMessages),
        ("insertEvent", insertEvent), ("eventIDByIdentity", eventIDByIdentity),
        ("upsertReaderState", upsertReaderState), ("eventsPage", eventsPage), ("readerState", readerState),
    ]

    static let known: Set<String> = Set(all.map(\.sql) + [begin, beginRead, commit, savepoint, release, rollbackToSavepoint])
}
