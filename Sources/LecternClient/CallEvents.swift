import LecternProtocol
import NIOCore
import Synchronization

/// One streaming call's events in arrival order, for its one consumer: a queue and at most
/// one waiting reader.
///
/// It stands where an `AsyncThrowingStream` would: that type's storage is generic code
/// compiled into the Swift runtime, unspecialized, and every `next()` looks up generic
/// metadata at run time (a sixth of the load generator's CPU at 169 k Watch deliveries a
/// second). This one is concrete, and a consumer that is behind takes what is buffered
/// without suspending.
final class CallEvents: Sendable {
    private struct State {
        var buffered: [RPCConnection.CallEvent] = []
        var head = 0
        /// Set once: how the events end after the buffered ones.
        var end: Result<Void, any Error>?
        var waiter: CheckedContinuation<RPCConnection.CallEvent?, any Error>?

        /// The next buffered event, else the end (`.success(nil)` or the error); nil when
        /// the consumer has to wait.
        mutating func take() -> Result<RPCConnection.CallEvent?, any Error>? {
            if head < buffered.count {
                defer {
                    head += 1
                    if head == buffered.count {
                        buffered.removeAll(keepingCapacity: true)
                        head = 0
                    }
                }
                return .success(buffered[head])
            }
            return end.map { $0.map { nil } }
        }
    }

    private let state = Mutex(State())

    /// Adds `event`, or hands it to the waiting consumer; dropped after `finish`.
    func yield(_ event: RPCConnection.CallEvent) {
        let waiter = state.withLock { state -> CheckedContinuation<RPCConnection.CallEvent?, any Error>? in
            guard state.end == nil else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffered.append(event)
            return nil
        }
        waiter?.resume(returning: event)
    }

    /// Ends the events after the buffered ones: normally, or with `error`. Only the first
    /// call counts.
    func finish(throwing error: (any Error)? = nil) {
        let waiter = state.withLock { state -> CheckedContinuation<RPCConnection.CallEvent?, any Error>? in
            guard state.end == nil else { return nil }
            state.end = error.map { .failure($0) } ?? .success(())
            defer { state.waiter = nil }
            return state.waiter
        }
        guard let waiter else { return }
        if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
    }

    /// The next event; nil after a normal end. Only one consumer may wait at a time.
    func next() async throws -> RPCConnection.CallEvent? {
        if let ready = state.withLock({ $0.take() }) { return try ready.get() }
        return try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<RPCConnection.CallEvent?, any Error>? in
                if let ready = state.take() { return ready }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
