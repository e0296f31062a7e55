extension SQLiteStore {
    public func reader(email: String) async throws -> ReaderRecord? {
        try await read { connection in
            try connection.queryFirst(SQL.readerByEmail, [.text(email)], Self.readerRecord)
        }
    }

    static func readerRecord(_ row: Statement) -> ReaderRecord {
        ReaderRecord(
            id: row.int64(0), email: row.string(1), displayName: row.string(2), passwordHash: row.string(3),
            status: row.int(4), createdAtMs: row.int64(5), lastSeenAtMs: row.int64(6)
        )
    }

    public func createConsultant(_ consultant: NewConsultant) async throws -> ConsultantRecord {
        try await writer.write { context in
            let id = try context.connection.queryFirst(
                SQL.insertConsultant,
                [.text(consultant.email), .text(consultant.displayName), .text(consultant.passwordHash),
                 .integer(Int64(consultant.role)), .integer(context.nowMs)]
            ) { $0.int64(0) }
            guard let id else { throw StorageError(.sqlite, "INSERT … RETURNING gave no row") }
            return ConsultantRecord(
                id: id, email: consultant.email, displayName: consultant.displayName,
                passwordHash: consultant.passwordHash, role: consultant.role, createdAtMs: context.nowMs
            )
        }
    }

    public func consultant(id: Int64) async throws -> ConsultantRecord? {
        try await read { try $0.queryFirst(SQL.consultantByID, [.integer(id)], Self.consultantRecord) }
    }

    public func consultant(email: String) async throws -> ConsultantRecord? {
        try await read { try $0.queryFirst(SQL.consultantByEmail, [.text(email)], Self.consultantRecord) }
    }

    public func consultants(afterID: Int64, limit: Int) async throws -> [ConsultantRecord] {
        try await read { try $0.query(SQL.consultantsPage, [.integer(afterID), .integer(Int64(limit))], Self.consultantRecord) }
    }

    /// A row of `SQL.consultantColumns`.
    static func consultantRecord(_ row: Statement) -> ConsultantRecord {
        ConsultantRecord(
            id: row.int64(0), email: row.string(1), displayName: row.string(2), passwordHash: row.string(3),
            role: row.int(4), createdAtMs: row.int64(5), suspended: row.int64(6) != 0
        )
    }

    /// How long an expired session's row stays: 7 days.
    static let expiredSessionsKeptMs: Int64 = 7 * 24 * 3_600_000

    public func createSession(_ session: SessionRecord) async throws {
        try await writer.write { context in
            // Each login adds a row and nothing else removes one: the account's sessions that
            // expired over `Self.expiredSessionsKeptMs` ago go here, so its rows stay bounded
            // by its logins of one token lifetime and a week (within that week an expired
            // token is still told apart from an unknown one).
            try context.connection.run(
                SQL.deleteExpiredSessions, .integer(Int64(session.accountKind)), .integer(session.accountID),
                .integer(session.createdAtMs - Self.expiredSessionsKeptMs)
            )
            try context.connection.run(
                SQL.insertSession, .blob(session.tokenHash), .integer(Int64(session.accountKind)), .integer(session.accountID),
                .integer(session.createdAtMs), .integer(session.expiresAtMs)
            )
        }
    }

    public func session(tokenHash: [UInt8]) async throws -> SessionRecord? {
        try await pointRead { connection in
            try connection.queryFirst(SQL.sessionByHash, [.blob(tokenHash)]) { row in
                SessionRecord(
                    tokenHash: row.bytes(0), accountKind: row.int(1), accountID: row.int64(2),
                    createdAtMs: row.int64(3), expiresAtMs: row.int64(4), revokedAtMs: row.int64(5)
                )
            }
        }
    }

    public func revokeSession(tokenHash: [UInt8], atMs: Int64) async throws -> Bool {
        try await writer.write { context in
            try context.connection.run(SQL.revokeSession, .integer(atMs), .blob(tokenHash))
            return context.connection.changes == 1
        }
    }
}

extension SQLiteStore {
    public func secret(named name: String, make: @escaping @Sendable () -> [UInt8]) async throws -> [UInt8] {
        try await writer.write { context in
            if let value = try context.connection.queryFirst(SQL.secretByName, [.text(name)], { $0.bytes(0) }) { return value }
            let value = make()
            try context.connection.run(SQL.insertSecret, .text(name), .blob(value))
            return value
        }
    }
}
