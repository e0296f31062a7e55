import Synchronization

/// Batch sizes and commit times of the writer's recent batches, for `Store.stats()`.
final class WriterStatistics: Sendable {
    /// How many recent batches the percentiles are taken over.
    static let window = 4_096

    private struct State {
        var batchSizes: [Int] = []
        var commitMicroseconds: [Double] = []
        var next = 0
        var batches: UInt64 = 0
        var commands: UInt64 = 0
        var automaticCheckpoints: UInt64 = 0
        var retriedBatches: UInt64 = 0
        var backgroundCheckpoints: UInt64 = 0
        var writerCheckpoints: UInt64 = 0
    }

    private let state = Mutex(State())

    func record(batchSize: Int, commitDuration: Duration) {
        let microseconds = Double(commitDuration.components.seconds) * 1e6 + Double(commitDuration.components.attoseconds) / 1e12
        state.withLock { state in
            if state.batchSizes.count < Self.window {
                state.batchSizes.append(batchSize)
                state.commitMicroseconds.append(microseconds)
            } else {
                state.batchSizes[state.next] = batchSize
                state.commitMicroseconds[state.next] = microseconds
            }
            state.next = (state.next + 1) % Self.window
            state.batches += 1
            state.commands += UInt64(batchSize)
        }
    }

    func recordBackgroundCheckpoint() {
        state.withLock { $0.backgroundCheckpoints += 1 }
    }

    func recordWriterCheckpoint() {
        state.withLock { $0.writerCheckpoints += 1 }
    }

    func recordRetriedBatch() {
        state.withLock { $0.retriedBatches += 1 }
    }

    func recordAutomaticCheckpoint() {
        state.withLock { $0.automaticCheckpoints += 1 }
    }

    var snapshot: WriterStats {
        state.withLock { state in
            WriterStats(
                batches: state.batches,
                commands: state.commands,
                automaticCheckpoints: state.automaticCheckpoints,
                retriedBatches: state.retriedBatches,
                backgroundCheckpoints: state.backgroundCheckpoints,
                writerCheckpoints: state.writerCheckpoints,
                batchSize: Distribution(state.batchSizes.map(Double.init)),
                commitMicroseconds: Distribution(state.commitMicroseconds)
            )
        }
    }
}
