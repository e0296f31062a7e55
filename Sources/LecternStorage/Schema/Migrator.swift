/// Brings a database to the latest schema, one migration per transaction.
struct Migrator {
    let migrations: [Migration]

    static let lectern = Migrator(migrations: Schema.migrations)

    var latestVersion: Int { migrations.last?.version ?? 0 }

    /// "LECT" as a big-endian integer: Lectern's mark in the file header's application id
    /// (https://www.sqlite.org/pragma.html#pragma_application_id), written with the schema.
    static let applicationID: Int64 = 0x4C45_4354

    private static func applicationID(of connection: Connection) throws(StorageError) -> Int64 {
        try connection.queryFirst("PRAGMA application_id") { $0.int64(0) } ?? 0
    }

    /// Refuses a file that is not Lectern's before anything writes to it: one that carries
    /// another application's id, or that has tables but no `schema_migrations` among them
    /// (made by another program before application ids, or by an earlier Lectern that
    /// wrote none, which always has `schema_migrations`).
    func checkOwnership(_ connection: Connection) throws(StorageError) {
        let id = try Self.applicationID(of: connection)
        guard id != Self.applicationID else { return }
        guard id == 0 else {
            throw StorageError(.incompatibleSchema, "not a Lectern database: its header carries another application's id (\(id))")
        }
        let tables = try connection.query(SQL.userTables) { $0.string(0) }.sorted()
        guard tables.isEmpty || tables.contains("schema_migrations") else {
            let named = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
            throw StorageError(.incompatibleSchema, "not a Lectern database: it has tables (\(named)) and no schema_migrations")
        }
    }

    /// Applies the migrations `connection` lacks, up to `target` (the latest by default).
    /// - Throws: `incompatibleSchema` when the database records a migration this build
    ///   does not know (made by a newer Lectern) or one whose checksum differs.
    /// - Parameter willApply: told of each migration just before it runs (some rewrite a
    ///   table, which takes minutes on a large database).
    func migrate(
        _ connection: Connection, upTo target: Int? = nil, nowMs: Int64, willApply: (Migration) -> Void = { _ in }
    ) throws(StorageError) {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
              version INTEGER PRIMARY KEY,
              name TEXT NOT NULL,
              checksum TEXT NOT NULL,
              applied_at_ms INTEGER NOT NULL
            ) STRICT
            """)
        let applied = try connection.query(SQL.appliedMigrations) {
            (version: $0.int(0), checksum: $0.string(1))
        }
        for record in applied {
            guard let migration = migrations.first(where: { $0.version == record.version }) else {
                throw StorageError(
                    .incompatibleSchema,
                    "the database has schema version \(record.version), made by a newer Lectern; this build knows up to \(latestVersion)"
                )
            }
            guard migration.checksum == record.checksum else {
                throw StorageError(
                    .incompatibleSchema,
                    "migration \(migration.version) (\(migration.name)) recorded with checksum \(record.checksum), this build has \(migration.checksum): the schema history was changed"
                )
            }
        }
        let appliedVersions = Set(applied.map(\.version))
        for migration in migrations where !appliedVersions.contains(migration.version) && migration.version <= (target ?? latestVersion) {
            willApply(migration)
            try connection.execute("BEGIN IMMEDIATE")
            do {
                try connection.execute(migration.sql)
                try connection.run(
                    SQL.recordMigration,
                    .integer(Int64(migration.version)), .text(migration.name), .text(migration.checksum), .integer(nowMs)
                )
                try connection.execute("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw StorageError(error.code, "migration \(migration.version) (\(migration.name)): \(error.message)", sqliteCode: error.sqliteCode)
            }
        }
        if try Self.applicationID(of: connection) != Self.applicationID {
            try connection.execute("PRAGMA application_id = \(Self.applicationID)")
        }
    }
}
