/// A summary of recent values: count, median, 99th percentile and maximum.
public struct Distribution: Sendable, Hashable {
    public var count: Int
    public var p50: Double
    public var p99: Double
    public var max: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        func percentile(_ fraction: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
        }
        p50 = percentile(0.5)
        p99 = percentile(0.99)
        max = sorted.last ?? 0
    }
}

/// What the writer has done since the store opened.
public struct WriterStats: Sendable, Hashable {
    public var batches: UInt64
    public var commands: UInt64
    public var automaticCheckpoints: UInt64
    /// Batches run a second time, each command in its own savepoint, because one failed.
    public var retriedBatches: UInt64 = 0
    /// PASSIVE checkpoints run by the checkpointer's thread.
    public var backgroundCheckpoints: UInt64 = 0
    /// PASSIVE checkpoints run by the writer itself between batches, while saturated.
    public var writerCheckpoints: UInt64 = 0
    /// Commands per batch over the recent batches.
    public var batchSize: Distribution
    /// Time from BEGIN to the end of COMMIT, in microseconds, over the recent batches.
    public var commitMicroseconds: Distribution
}

/// The database and the writer, now.
public struct StoreStats: Sendable, Hashable {
    public var pageSize: Int
    public var pageCount: Int
    public var freelistCount: Int
    /// Size of the `-wal` file, in bytes.
    public var walBytes: Int
    /// Write commands waiting for the writer.
    public var writeQueueDepth: Int
    public var writer: WriterStats
}
