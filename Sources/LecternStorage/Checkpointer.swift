import CSQLite
import Dispatch
import Foundation
import Synchronization

/// Runs the PASSIVE checkpoints that SQLite would otherwise run at the end of a commit, on a
/// thread and connection of their own while the writer is not saturated, so that no write
/// waits while WAL pages are copied into the database.
///
/// SQLite's automatic checkpoint runs inside the committing connection: every
/// `walAutocheckpointPages` WAL pages, one commit copies them all (tens of milliseconds on
/// a large file) while every write queued behind it waits. Here the writer's WAL hook only
/// records the WAL's size, and after each batch the writer asks this thread for a
/// checkpoint and goes on committing; saturated, it checkpoints itself
/// (`checkpoint(on:writesWaiting:)`). Only one checkpoint runs at a time in SQLite: the writer's own (a
/// TRUNCATE, or one asked for through `Store.checkpoint`) take `lock` too.
final class Checkpointer: Sendable {
    /// Held by whichever thread runs a checkpoint.
    let lock = Mutex(())
    private let requested = Atomic<Bool>(false)
    private let closed = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let statistics: WriterStatistics
    /// WAL pages after a commit that ask for a checkpoint.
    let pages: Int32

    /// Starts the thread, which takes ownership of `connection`.
    init(connection: Connection, pages: Int, statistics: WriterStatistics) {
        self.statistics = statistics
        self.pages = Int32(clamping: max(1, pages))
        connection.startOwningThread(named: "lectern.ckpt", { [self] in run($0) }, finished: { [finished] in _ = finished.signal() })
    }

    /// Asks for a checkpoint; returns at once. Requests made while one runs are one more.
    func request() {
        if !requested.exchange(true, ordering: .acquiringAndReleasing) { wake.signal() }
    }

    /// Lets a running checkpoint finish, then stops the thread and closes its connection.
    func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        finished.wait()
    }

    private func run(_ connection: Connection) {
        while true {
            wake.wait()
            if closed.load(ordering: .acquiring) { return }
            requested.store(false, ordering: .releasing)
            let result = lock.withLock { _ in
                sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            }
            if result == SQLITE_OK { statistics.recordBackgroundCheckpoint() }
        }
    }

    /// Registers the WAL hook on the write connection, which records the WAL's size after
    /// each commit. It replaces SQLite's automatic checkpoint on that connection (both are
    /// the same hook). The checkpointer must outlive the connection: the hook holds it
    /// unretained.
    func watch(_ writeConnection: Connection) {
        sqlite3_wal_hook(writeConnection.handle, { context, _, _, pages in
            guard let context else { return SQLITE_OK }
            Unmanaged<Checkpointer>.fromOpaque(context).takeUnretainedValue().walPages.store(pages, ordering: .relaxed)
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// WAL pages after the last commit, as the hook saw them.
    private let walPages = Atomic<Int32>(0)

    /// Whether the last commit left `pages` pages or more in the WAL.
    var isDue: Bool { walPages.load(ordering: .relaxed) >= pages }

    /// Called by the writer after a batch once `isDue`.
    ///
    /// With few writes waiting, the checkpointer's thread does it while the writer goes on.
    /// With `busyQueueDepth` or more (the writer saturated: the writer passes the larger of
    /// the batch it just committed and the queue), the writer does it
    /// itself, between batches, as SQLite would: a background checkpoint could not catch up
    /// with a WAL that grows with every commit (the WAL only starts over once a checkpoint
    /// copied all of it), and on two cores it takes CPU from the writer.
    func checkpoint(on writeConnection: Connection, writesWaiting: Int) {
        guard writesWaiting >= busyQueueDepth else {
            request()
            return
        }
        let result = lock.withLockIfAvailable { _ in
            sqlite3_wal_checkpoint_v2(writeConnection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        }
        if result == SQLITE_OK { statistics.recordWriterCheckpoint() }
    }

    /// Writes waiting past which the writer checkpoints itself.
    let busyQueueDepth = 64
}

