/// How a store opens and runs its database. Every field has a default that runs.
public struct StoreConfiguration: Sendable {
    /// Path of the database file; created when missing.
    public var path: String
    /// What a commit promises; defaults to `.normal` (survives a process crash).
    public var durability: DurabilityMode = .normal
    /// Read-only connections in the pool; defaults to 2.
    public var readConnections = 2
    /// Read-only connections for point reads (one row by its key) and short pages (up to 100
    /// rows of one index range), used by the calling thread itself when one is free, so such
    /// a read costs no thread hop; defaults to 2.
    /// 0 sends every read through the pool's connection threads.
    public var directReadConnections = 2
    /// How long a read connection keeps one read transaction open for its next reads while
    /// the writer commits nothing; defaults to 5 ms. A TRUNCATE checkpoint waits for such a
    /// snapshot to end, so this bounds how long an idle connection holds the WAL back.
    public var snapshotMaxAge = Duration.milliseconds(5)
    /// Write commands that may wait for the writer before `submit` fails with
    /// `overloaded`; defaults to 8,192.
    public var maxPendingWrites = 8_192
    /// Commands run in one transaction at most; defaults to 1,024.
    public var maxBatchCommands = 1_024
    /// How long a connection waits for a lock, in milliseconds; defaults to 5,000.
    public var busyTimeoutMs = 5_000
    /// Page cache of the write connection, in KiB; defaults to 65,536 (64 MiB).
    public var writerCacheKiB = 65_536
    /// Page cache of each read connection, in KiB; defaults to 16,384 (16 MiB).
    public var readerCacheKiB = 16_384
    /// Memory-mapped I/O per connection, in bytes; defaults to 0 (off).
    ///
    /// In WAL mode a connection whose read transaction finds a newer commit unmaps its
    /// whole map (`pagerBeginReadTransaction` in SQLite's pager.c), and the next read maps
    /// the file again and faults its pages in. With the writer committing every few
    /// milliseconds, that happens on nearly every read: in the mission at 10,000 readers it
    /// was 5 % of the server's CPU, plus the TLB shootdowns that `munmap` sends to the
    /// other core. Reads through the page cache cost the same when nothing is written
    /// (BENCHMARKS.md).
    public var mmapSizeBytes = 0
    /// Size the WAL is truncated to after a checkpoint, in bytes; defaults to 64 MiB.
    public var journalSizeLimitBytes = 67_108_864
    /// WAL pages after a commit that start a PASSIVE checkpoint on the checkpointer's own
    /// thread; defaults to 4,096 (16 MiB of 4 KiB pages). Group commit writes many small
    /// transactions that dirty the same index pages, and a page written to the WAL ten
    /// times between checkpoints is copied to the database once.
    public var walAutocheckpointPages = 4_096
    /// When the WAL passes this size, in bytes, the writer runs `wal_checkpoint(TRUNCATE)`
    /// after its commit; defaults to 256 MiB.
    public var walTruncateThresholdBytes = 268_435_456

    public init(path: String) {
        self.path = path
    }
}
