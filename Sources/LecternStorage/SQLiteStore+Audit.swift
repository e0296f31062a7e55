extension SQLiteStore {
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

    public func auditEntries(_ filter: AuditFilter, beforeID: Int64?, limit: Int) async throws -> [AuditRecord] {
        let sql = filter.readerID != 0 ? SQL.auditByReader
            : filter.consultantID != 0 ? SQL.auditByConsultant
            : !filter.action.isEmpty ? SQL.auditByAction
            : SQL.auditPage
        return try await read { connection in
            try connection.query(sql, [
                .integer(beforeID ?? .max), .integer(Int64(limit)), .integer(filter.readerID), .integer(filter.consultantID),
                .text(filter.action), .integer(filter.sinceMs), .integer(filter.untilMs),
            ]) { row in
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

    public func setConsultantSuspended(id: Int64, suspended: Bool) async throws -> ConsultantRecord? {
        try await writer.write { context in
            try context.connection.queryFirst(SQL.setConsultantSuspended, [.integer(suspended ? 1 : 0), .integer(id)], Self.consultantRecord)
        }
    }
}
