import Foundation
import Histogram
import LecternProtocol
import Synchronization

/// Latencies (HdrHistogram, microseconds) and failures by status code, per RPC, from many
/// tasks at once.
final class Recorder: Sendable {
    struct Entry: Sendable {
        var latencies = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var errors: [RPCStatusCode: Int] = [:]
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let clock = ContinuousClock()

    func record(_ name: String, microseconds: UInt64) {
        entries.withLock { _ = $0[name, default: Entry()].latencies.record(max(1, microseconds)) }
    }

    /// Records many latencies under `name` with one look-up: for the Watch deliveries, 169,000
    /// a second at 10,000 readers, each of which otherwise took the lock shared by every task
    /// and hashed a name that is not ASCII.
    func record(_ name: String, microseconds: [UInt64]) {
        guard !microseconds.isEmpty else { return }
        entries.withLock { entries in
            var entry = entries.removeValue(forKey: name) ?? Entry()
            for value in microseconds { _ = entry.latencies.record(max(1, value)) }
            entries[name] = entry
        }
    }

    func fail(_ name: String, _ code: RPCStatusCode) {
        entries.withLock { $0[name, default: Entry()].errors[code, default: 0] += 1 }
    }

    /// Runs `body`, recording its latency under `name`, or its status code if it fails.
    @discardableResult
    func time<T>(_ name: String, _ body: () async throws -> T) async -> T? {
        let start = clock.now
        do {
            let value = try await body()
            record(name, microseconds: Self.microseconds(clock.now - start))
            return value
        } catch let error as RPCError {
            fail(name, error.code)
        } catch {
            fail(name, .unknown)
        }
        return nil
    }

    func snapshot() -> [String: Entry] { entries.withLock { $0 } }

    /// Forgets everything recorded so far (after a warm-up).
    func reset() { entries.withLock { $0 = [:] } }

    var calls: UInt64 { entries.withLock { $0.values.reduce(0) { $0 + $1.latencies.totalCount } } }
    var failures: Int { entries.withLock { $0.values.reduce(0) { $0 + $1.errors.values.reduce(0, +) } } }

    static func microseconds(_ duration: Duration) -> UInt64 {
        UInt64(max(0, duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000))
    }
}

/// Prints "[12/30 s] 12,345 calls, 0 errors" on standard error once a second until cancelled.
func showProgress(_ recorder: Recorder, seconds: Double, label: String) -> Task<Void, Never> {
    Task {
        let start = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            let elapsed = Double((ContinuousClock.now - start).components.seconds)
            FileHandle.standardError.write(Data("\r[\(label) \(Int(elapsed))/\(Int(seconds)) s] \(recorder.calls) calls, \(recorder.failures) errors   ".utf8))
        }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
