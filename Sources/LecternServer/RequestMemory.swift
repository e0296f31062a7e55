import LecternProtocol
import Synchronization

/// The bytes of request data the server holds for open calls: each call's CALL_START (its
/// payload and a fixed cost for its state) and its request messages, from when they are
/// read until the handler takes them (a client-streaming call) or the call ends (the one
/// request of any other call). Bounded per connection and for the whole server, so that no
/// client, and no set of clients, can make the server hold more than the limits, whatever
/// it sends: past a limit the call at fault ends with RESOURCE_EXHAUSTED, and the
/// connection stays.
final class RequestMemory: Sendable {
    /// What one open call costs beyond its bytes: its state, handler and metadata.
    static let callCost = 1_024

    let limit: Int
    let connectionLimit: Int
    private let used = Atomic<Int>(0)

    init(limit: Int, connectionLimit: Int) {
        self.limit = limit
        self.connectionLimit = connectionLimit
    }

    /// Bytes held now, for all connections.
    var bytesHeld: Int { used.load(ordering: .relaxed) }

    /// One connection's share.
    final class Account: Sendable {
        let memory: RequestMemory
        private let used = Atomic<Int>(0)

        init(_ memory: RequestMemory) {
            self.memory = memory
        }

        /// Takes `bytes`, or returns the error that names the limit they would pass.
        func reserve(_ bytes: Int) -> RPCError? {
            let onConnection = used.wrappingAdd(bytes, ordering: .relaxed).newValue
            let total = memory.used.wrappingAdd(bytes, ordering: .relaxed).newValue
            guard onConnection > memory.connectionLimit || total > memory.limit else { return nil }
            release(bytes)
            return onConnection > memory.connectionLimit
                ? RPCError(.resourceExhausted, "the connection's open calls hold more than \(memory.connectionLimit) bytes of requests; retry when some have ended")
                : RPCError(.resourceExhausted, "the server holds more than \(memory.limit) bytes of requests; retry later")
        }

        func release(_ bytes: Int) {
            guard bytes > 0 else { return }
            used.wrappingSubtract(bytes, ordering: .relaxed)
            memory.used.wrappingSubtract(bytes, ordering: .relaxed)
        }
    }
}
