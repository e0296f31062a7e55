import LecternProtocol
import Synchronization

/// Bytes the server holds for its clients, bounded per connection and for the whole server,
/// so that no client, and no set of clients, can make the server hold more than the limits,
/// whatever it sends or leaves unread. Two budgets use it:
///
/// - `requests`: each open call's CALL_START (its payload and a fixed cost for its state) and
///   its request messages, from when they are read until the handler takes them (a
///   client-streaming call) or the call ends (the one request of any other call). Past a
///   limit the call at fault ends with RESOURCE_EXHAUSTED.
/// - `responses`: a call's last frames (its response and CALL_END) from their write until
///   the socket took them (`ServerConnection.end`). Past a limit, a response for a client
///   that is not reading is dropped and the call ends with RESOURCE_EXHAUSTED saying that it
///   ran; one for a client that reads is counted and sent.
///
/// Either way the connection stays.
final class HeldMemory: Sendable {
    /// What one open call costs beyond its request bytes: its state, handler and metadata.
    static let callCost = 1_024

    enum Limit {
        case connection
        case server
    }

    let limit: Int
    let connectionLimit: Int
    /// The error a caller gets when `bytes` would pass a limit.
    private let refusal: @Sendable (_ passed: Limit, _ limit: Int) -> RPCError
    private let used = Atomic<Int>(0)

    private init(limit: Int, connectionLimit: Int, refusal: @escaping @Sendable (Limit, Int) -> RPCError) {
        self.limit = limit
        self.connectionLimit = connectionLimit
        self.refusal = refusal
    }

    static func requests(limit: Int, connectionLimit: Int) -> HeldMemory {
        HeldMemory(limit: limit, connectionLimit: connectionLimit) { passed, limit in
            switch passed {
            case .connection: RPCError(.resourceExhausted, "the connection's open calls hold more than \(limit) bytes of requests; retry when some have ended")
            case .server: RPCError(.resourceExhausted, "the server holds more than \(limit) bytes of requests; retry later")
            }
        }
    }

    static func responses(limit: Int, connectionLimit: Int) -> HeldMemory {
        HeldMemory(limit: limit, connectionLimit: connectionLimit) { passed, limit in
            switch passed {
            case .connection: RPCError(.resourceExhausted, "the call ran, but its response was dropped: the connection's client has left more than \(limit) bytes of responses unread; read them, then retry")
            case .server: RPCError(.resourceExhausted, "the call ran, but its response was dropped: clients have left more than \(limit) bytes of responses unread; retry later")
            }
        }
    }

    /// Bytes held now, for all connections.
    var bytesHeld: Int { used.load(ordering: .relaxed) }

    /// One connection's share.
    final class Account: Sendable {
        let memory: HeldMemory
        private let used = Atomic<Int>(0)

        init(_ memory: HeldMemory) {
            self.memory = memory
        }

        /// Takes `bytes`, or returns the error that names the limit they would pass.
        func reserve(_ bytes: Int) -> RPCError? {
            let onConnection = used.wrappingAdd(bytes, ordering: .relaxed).newValue
            let total = memory.used.wrappingAdd(bytes, ordering: .relaxed).newValue
            guard onConnection > memory.connectionLimit || total > memory.limit else { return nil }
            release(bytes)
            return onConnection > memory.connectionLimit
                ? memory.refusal(.connection, memory.connectionLimit)
                : memory.refusal(.server, memory.limit)
        }

        /// Counts `bytes` whatever the limits (bytes on their way to a client that reads).
        func take(_ bytes: Int) {
            used.wrappingAdd(bytes, ordering: .relaxed)
            memory.used.wrappingAdd(bytes, ordering: .relaxed)
        }

        func release(_ bytes: Int) {
            guard bytes > 0 else { return }
            used.wrappingSubtract(bytes, ordering: .relaxed)
            memory.used.wrappingSubtract(bytes, ordering: .relaxed)
        }
    }
}
