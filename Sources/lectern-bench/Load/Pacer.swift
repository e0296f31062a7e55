import Foundation
import LecternLocks
import Synchronization

/// Wakes the mission's readers when their next call is due, to the millisecond.
///
/// Each of 10,000 readers sleeping in `Task.sleep` was a Dispatch timer of its own, and
/// Dispatch's timer thread took 11 % of the load generator's CPU (`perf`), which the server
/// under test then did not have. Here one thread wakes every millisecond and resumes the
/// readers whose millisecond came, from a table of waiting readers by millisecond.
final class Pacer: Sendable {
    private struct State {
        /// Waiting readers by the millisecond (since `origin`) they wake in.
        var waiting: [Int64: [CheckedContinuation<Void, Never>]] = [:]
        /// Every millisecond up to this one has been woken.
        var woken: Int64 = 0
        var stopped = false
    }

    private let origin = ContinuousClock.now
    private let state = Mutex(State())

    init() {
        startThread(named: "bench.pacer") { [self] in
            while tick() { usleep(1_000) }
        }
    }

    /// Returns at `deadline`, or in the millisecond after it; at once once stopped.
    func sleep(until deadline: ContinuousClock.Instant) async {
        let due = millisecond(of: deadline, roundingUp: true)
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                guard !state.stopped, due > state.woken else { return true }
                state.waiting[due, default: []].append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Wakes every reader still waiting and stops the thread.
    func stop() {
        let left = state.withLock { state in
            state.stopped = true
            defer { state.waiting = [:] }
            return state.waiting.values.flatMap { $0 }
        }
        for continuation in left { continuation.resume() }
    }

    /// Wakes the readers due by now; false once stopped.
    private func tick() -> Bool {
        let now = millisecond(of: .now, roundingUp: false)
        let (due, running) = state.withLock { state -> ([CheckedContinuation<Void, Never>], Bool) in
            var due: [CheckedContinuation<Void, Never>] = []
            while state.woken < now {
                state.woken += 1
                if let waiting = state.waiting.removeValue(forKey: state.woken) { due += waiting }
            }
            return (due, !state.stopped)
        }
        for continuation in due { continuation.resume() }
        return running
    }

    private func millisecond(of instant: ContinuousClock.Instant, roundingUp: Bool) -> Int64 {
        let (seconds, attoseconds) = (instant - origin).components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let partial = attoseconds / perMillisecond, rest = attoseconds % perMillisecond
        return seconds * 1_000 + partial + (roundingUp && rest > 0 ? 1 : 0)
    }
}
