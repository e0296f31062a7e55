extension SQLiteStore {
    public func readers(afterID: Int64, status: Int, limit: Int) async throws -> [ReaderRecord] {
        try await read { connection in
            try connection.query(SQL.readersPage, [.integer(afterID), .integer(Int64(status)), .integer(Int64(limit))], Self.readerRecord)
        }
    }

    public func audit(_ entry: AuditRecord) async throws -> AuditRecord {
        try await writer.write { context in
            let id = try context.connection.queryFirst(
                SQL.insertAudit,
                [.integer(context.nowMs), .integer(Int64(entry.actorKind)), .integer(entry.actorID), .text(entry.action),
                 .integer(entry.readerID), .integer(Int64(entry.peerPID)), .integer(Int64(entry.peerUID)), .text(entry.detail)]
            ) { $0.int64(0) }
            guard let id else { throw StorageError(.sqlite, "INSERT … RETURNING gave no row") }
            var stored = entry
            stored.id = id
            stored.atMs = context.nowMs
            return stored
        }
    }

    public func auditEntries(readerID: Int64?, beforeID: Int64?, limit: Int) async throws -> [AuditRecord] {
        try await read { connection in
            let (sql, values): (String, [SQLValue]) = if let readerID {
                (SQL.auditByReader, [.integer(readerID), .integer(beforeID ?? .max), .integer(Int64(limit))])
            } else {
                (SQL.auditPage, [.integer(beforeID ?? .max), .integer(Int64(limit))])
            }
            return try connection.query(sql, values) { row in
                AuditRecord(
                    id: row.int64(0), atMs: row.int64(1), actorKind: row.int(2), actorID: row.int64(3), action: row.string(4),
                    readerID: row.int64(5), peerPID: Int32(truncatingIfNeeded: row.int64(6)),
                    peerUID: UInt32(truncatingIfNeeded: row.int64(7)), detail: row.string(8)
                )
            }
        }
    }
}

extension SQLiteStore {
    public func setConsultantRole(id: Int64, role: Int) async throws -> ConsultantRecord? {
        try await writer.write { context in
            try context.connection.queryFirst(SQL.setConsultantRole, [.integer(Int64(role)), .integer(id)], Self.consultantRecord)
        }
    }
}
