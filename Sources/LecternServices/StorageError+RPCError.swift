import LecternProtocol
import LecternStorage

extension StorageError {
    /// The status a caller sees. SQL text and internal causes never go on the wire.
    var rpcError: RPCError {
        switch code {
        case .conflict: RPCError(.alreadyExists, "it exists already")
        case .notFound: RPCError(.notFound, "what the request names does not exist")
        case .overloaded: RPCError(.resourceExhausted, "the server is busy; try again", details: .with { $0.retryAfterMs = 100 })
        case .deadlineExceeded: RPCError(.deadlineExceeded, "the call's deadline passed")
        case .cancelled: RPCError(.cancelled, "the call was cancelled")
        case .closed: RPCError(.unavailable, "the server is shutting down")
        case .invalidArgument: RPCError(.invalidArgument, message)
        case .storageFull:
            RPCError(.resourceExhausted, "the server's disk is full: writes fail until space is freed; reads still work",
                     details: .with { $0.reason = "STORAGE_FULL"; $0.retryAfterMs = 1_000 })
        case .ioFailure: RPCError(.unavailable, "the server could not write its database (I/O error); try again")
        case .archived: RPCError(.outOfRange, message)
        default: RPCError(.internal, "internal error")
        }
    }
}

/// Runs a store call, converting its `StorageError` to the RPC status once, here.
/// - Parameter missing: what NOT_FOUND says, when the caller knows which row the call
///   refers to (a reader's own calls: the reader, deleted while the call ran).
func storage<T>(missing: String? = nil, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StorageError {
        if error.code == .notFound, let missing { throw RPCError(.notFound, missing) }
        throw error.rpcError
    }
}
