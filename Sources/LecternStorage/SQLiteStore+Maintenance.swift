import CSQLite
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

extension SQLiteStore {
    public func backup(to path: String, pagesPerStep: Int) -> AsyncThrowingStream<BackupStep, any Error> {
        let configuration = configuration
        return AsyncThrowingStream { continuation in
            let queue = DispatchQueue(label: "lectern.backup")
            let flag = AbandonFlag()
            continuation.onTermination = { _ in flag.set() }
            queue.async {
                do {
                    try Self.runBackup(configuration: configuration, to: path, pagesPerStep: max(1, pagesPerStep)) { step in
                        continuation.yield(step)
                        return !flag.isSet
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
        }
    }

    /// Copies the database with the `sqlite3_backup_*` API from a read transaction held
    /// for the whole copy: the copy is that snapshot, and writers go on meanwhile (WAL).
    /// `progress` returns false to abandon.
    ///
    /// The copy is written beside `path` under a name of its own and linked to `path` only
    /// when complete, so `path` never holds part of a backup: not after a crash or a full
    /// disk, and not when two backups name it at once (one is refused as existing).
    static func runBackup(
        configuration: StoreConfiguration, to path: String, pagesPerStep: Int,
        progress: (BackupStep) -> Bool
    ) throws {
        let path = try resolvedFilePath(path)
        guard !isRollbackJournal(path, of: configuration.path) else {
            throw StorageError(.invalidArgument, "\(path) is where SQLite looks for the database's rollback journal: it would delete the file at the next start")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StorageError(.conflict, "the backup destination \(path) already exists")
        }
        let partial = "\(path).\(UUID().uuidString.prefix(8)).partial"
        // After the link below this only removes the second name of the finished copy.
        defer { try? FileManager.default.removeItem(atPath: partial) }
        let (pages, pageSize) = try copy(configuration, to: partial, pagesPerStep: pagesPerStep, progress: progress)
        guard link(partial, path) == 0 else {
            if errno == EEXIST { throw StorageError(.conflict, "the backup destination \(path) already exists") }
            throw StorageError(.ioFailure, "cannot name the backup \(path): \(String(cString: strerror(errno)))")
        }
        syncDirectory(of: path)
        _ = progress(BackupStep(pagesTotal: pages, pagesCopied: pages, done: true, pageSize: pageSize))
    }

    /// The copy itself, into a new file at `path`; returns its page count and page size.
    private static func copy(
        _ configuration: StoreConfiguration, to path: String, pagesPerStep: Int, progress: (BackupStep) -> Bool
    ) throws -> (pages: Int, pageSize: Int) {
        let source = try Connection(path: configuration.path, readOnly: true)
        try source.configure(configuration, role: .reader)
        try source.execute("BEGIN")
        defer { try? source.execute("COMMIT") }
        // The first read fixes the snapshot the whole backup copies.
        try source.execute("SELECT count(*) FROM sqlite_schema")
        let destination: Connection
        do {
            destination = try Connection(path: path, readOnly: false)
        } catch {
            throw StorageError(.invalidArgument, "cannot create \(path): \(error.message)")
        }
        guard let backup = sqlite3_backup_init(destination.handle, "main", source.handle, "main") else {
            throw StorageError.sqlite(sqlite3_errcode(destination.handle), destination.handle, "backup")
        }
        let pageSize = try source.queryFirst("PRAGMA page_size") { $0.int(0) } ?? 4096
        var result: Int32 = SQLITE_OK
        while true {
            result = sqlite3_backup_step(backup, Int32(pagesPerStep))
            let total = Int(sqlite3_backup_pagecount(backup))
            let step = BackupStep(
                pagesTotal: total, pagesCopied: total - Int(sqlite3_backup_remaining(backup)),
                done: false, pageSize: pageSize
            )
            if result == SQLITE_DONE { break }
            guard result == SQLITE_OK || result == SQLITE_BUSY || result == SQLITE_LOCKED else { break }
            guard progress(step) else {
                sqlite3_backup_finish(backup)
                throw StorageError(.cancelled, "the backup was abandoned")
            }
        }
        let finish = sqlite3_backup_finish(backup)
        guard result == SQLITE_DONE, finish == SQLITE_OK else {
            throw StorageError.sqlite(result == SQLITE_DONE ? finish : result, destination.handle, "backup")
        }
        // The destination commits with SQLite's default synchronous = FULL: its bytes are on disk.
        let pages = try destination.queryFirst("PRAGMA page_count") { $0.int(0) } ?? 0
        return (pages, pageSize)
    }

    /// Makes a new name in `path`'s directory durable.
    private static func syncDirectory(of path: String) {
        let directory = Glibc.open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return }
        _ = fsync(directory)
        Glibc.close(directory)
    }

    public func checkpoint(_ mode: CheckpointKind) async throws -> CheckpointOutcome {
        try await writer.exclusive { [writer] connection in
            var walFrames: Int32 = 0
            var checkpointed: Int32 = 0
            let sqliteMode = switch mode {
            case .passive: SQLITE_CHECKPOINT_PASSIVE
            case .full: SQLITE_CHECKPOINT_FULL
            case .restart: SQLITE_CHECKPOINT_RESTART
            case .truncate: SQLITE_CHECKPOINT_TRUNCATE
            }
            let result = writer.whileNoCheckpointRuns {
                sqlite3_wal_checkpoint_v2(connection.handle, nil, sqliteMode, &walFrames, &checkpointed)
            }
            guard result == SQLITE_OK || result == SQLITE_BUSY else {
                throw StorageError.sqlite(result, connection.handle, "checkpoint")
            }
            return CheckpointOutcome(walFrames: Int(walFrames), checkpointedFrames: Int(checkpointed), busy: result == SQLITE_BUSY)
        }
    }

    public func integrityCheck() async throws -> [String] {
        try await read { connection in
            try connection.query("PRAGMA integrity_check") { $0.string(0) }
        }
    }

    public func stats() async throws -> StoreStats {
        let pages = try await read { connection in
            (
                size: try connection.queryFirst("PRAGMA page_size") { $0.int(0) } ?? 0,
                count: try connection.queryFirst("PRAGMA page_count") { $0.int(0) } ?? 0,
                free: try connection.queryFirst("PRAGMA freelist_count") { $0.int(0) } ?? 0
            )
        }
        let walBytes = (try? FileManager.default.attributesOfItem(atPath: configuration.path + "-wal")[.size] as? Int) ?? 0
        return StoreStats(
            pageSize: pages.size, pageCount: pages.count, freelistCount: pages.free, walBytes: walBytes,
            writeQueueDepth: writer.queueDepth, writer: writer.statistics.snapshot
        )
    }
}

/// Set when a backup's consumer goes away.
private final class AbandonFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}
