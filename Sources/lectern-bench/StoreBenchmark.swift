import Foundation
import LecternStorage

/// The store alone, no sockets: concurrent single-event ingest through the writer queue,
/// then reads (a reader's state, a 50-event history page) through the read pool.
struct StoreBenchmark {
    var directory: String
    var submitters = 256
    var ingestSeconds = 5.0
    var readSeconds = 3.0
    var readConcurrency = 16
    var durability = DurabilityMode.normal

    struct Measurement {
        var name: String
        var operations: Int
        var seconds: Double
        var latenciesNs: [UInt64]
        var perSecond: Double { Double(operations) / seconds }
        func percentile(_ fraction: Double) -> Double {
            guard !latenciesNs.isEmpty else { return 0 }
            return Double(latenciesNs[min(latenciesNs.count - 1, Int(Double(latenciesNs.count) * fraction))]) / 1000
        }
    }

    /// The payload every benchmark event carries, the same bytes as the C floor's.
    static let payload = Array(#"{"page":12,"scroll":0.42,"viewport":"1280x720","ms":1834}"#.utf8)

    func run() async throws -> [Measurement] {
        var configuration = StoreConfiguration(path: directory + "/bench.db")
        configuration.durability = durability
        let store = try await SQLiteStore.open(configuration)
        var created: [Int64] = []
        for index in 0..<submitters {
            created.append(try await store.createReader(NewReader(email: "bench\(index)@example.org", displayName: "Reader \(index)", passwordHash: "-")).id)
        }
        let readers = created
        let ingest = try await measure("ingest, 1 event per call, \(submitters) concurrent", seconds: ingestSeconds, tasks: submitters) { task, iteration in
            let event = NewEvent(
                clientSessionID: "7f3a9c2e-41d8-4b6a-9e0f-1c2d3e4f5a6b", sequence: UInt64(iteration + 1),
                type: "page_view", occurredAtMs: 1_795_000_000_000 + Int64(iteration), contentID: "book-0042/ch-07",
                progress: 0.5, payload: Self.payload
            )
            _ = try await store.appendEvents(readerID: readers[task], [event])
        }
        let state = try await measure("GetMyState reads, \(readConcurrency) concurrent", seconds: readSeconds, tasks: readConcurrency) { task, iteration in
            _ = try await store.readerState(readerID: readers[(task * 7919 + iteration) % readers.count])
        }
        let history = try await measure("50-event history pages, \(readConcurrency) concurrent", seconds: readSeconds, tasks: readConcurrency) { task, iteration in
            _ = try await store.events(readerID: readers[(task * 7919 + iteration) % readers.count], beforeID: nil, limit: 50)
        }
        let stats = try await store.stats()
        print(String(format: "writer: %d batches, %d commands, batch size p50 %.0f p99 %.0f max %.0f, commit p50 %.0f µs p99 %.0f µs",
                     stats.writer.batches, stats.writer.commands, stats.writer.batchSize.p50, stats.writer.batchSize.p99,
                     stats.writer.batchSize.max, stats.writer.commitMicroseconds.p50, stats.writer.commitMicroseconds.p99))
        await store.close()
        return [ingest, state, history]
    }

    /// Runs `operation` in a closed loop on `tasks` tasks for `seconds`.
    private func measure(
        _ name: String, seconds: Double, tasks: Int,
        _ operation: @escaping @Sendable (Int, Int) async throws -> Void
    ) async throws -> Measurement {
        let clock = ContinuousClock()
        let start = clock.now
        let end = start + .milliseconds(Int64(seconds * 1000))
        let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var samples: [UInt64] = []
                    var iteration = 0
                    while clock.now < end {
                        let before = clock.now
                        try await operation(task, iteration)
                        let elapsed = clock.now - before
                        samples.append(UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000))
                        iteration += 1
                    }
                    return samples
                }
            }
            var all: [UInt64] = []
            for try await samples in group { all += samples }
            return all
        }
        // The clock stops before sorting the samples.
        let elapsed = clock.now - start
        let sorted = latencies.sorted()
        let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Measurement(name: name, operations: sorted.count, seconds: total, latenciesNs: sorted)
    }
}
