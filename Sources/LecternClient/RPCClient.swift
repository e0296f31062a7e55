import LecternProtocol
import NIOCore
import NIOPosix
import Synchronization

/// A client of one Lectern socket that keeps a connection and opens a new one when the
/// old is gone (the server restarted, sent GOAWAY, …), retrying the connect with
/// exponential backoff. A call the server certainly did not process (its connection was
/// already gone, or the server refused it while shutting down) is retried once on a new
/// connection; one that may have been processed fails with UNAVAILABLE, and whether to
/// retry it is the caller's decision.
public final class RPCClient: Sendable {
    /// How hard to try to connect.
    public struct Backoff: Sendable {
        /// Delay before the second attempt; defaults to 50 ms, doubling each time.
        public var initial: Duration = .milliseconds(50)
        /// Largest delay between attempts; defaults to 2 s.
        public var maximum: Duration = .seconds(2)
        /// Attempts before giving up with UNAVAILABLE; defaults to 8.
        public var attempts = 8

        public init() {}
    }

    public let socketPath: String
    private let backoff: Backoff
    private let group: any EventLoopGroup
    private let current = Mutex<RPCConnection?>(nil)

    public init(socketPath: String, backoff: Backoff = Backoff(), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.socketPath = socketPath
        self.backoff = backoff
        self.group = group
    }

    /// A usable connection: the current one, or a new one.
    /// - Throws: `RPCError` UNAVAILABLE when every attempt failed.
    public func connection() async throws -> RPCConnection {
        if let connection = current.withLock({ $0 }), connection.isUsable { return connection }
        var delay = backoff.initial
        var lastError: (any Error)?
        for attempt in 0..<max(1, backoff.attempts) {
            if attempt > 0 {
                try await Task.sleep(for: delay)
                delay = min(delay * 2, backoff.maximum)
            }
            do {
                let connection = try await RPCConnection.connect(socketPath: socketPath, group: group)
                let previous = current.withLock { current in
                    defer { current = connection }
                    return current
                }
                if let previous, previous !== connection { await previous.close() }
                return connection
            } catch {
                lastError = error
            }
        }
        throw RPCError(.unavailable, "cannot connect to \(socketPath) after \(backoff.attempts) attempts: \(lastError.map { "\($0)" } ?? "")")
    }

    public func unary<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: String, _ request: Request, as: Response.Type = Response.self, options: CallOptions = CallOptions()
    ) async throws -> Response {
        let first = try await connection()
        do {
            return try await first.unary(method, request, as: Response.self, options: options)
        } catch let error as RPCError where error.wasNotProcessed {
            // The connection may be dead before its reader noticed: never retry on it.
            forget(first)
            return try await connection().unary(method, request, as: Response.self, options: options)
        }
    }

    /// Drops `connection` if it is the current one, so the next call connects anew.
    private func forget(_ connection: RPCConnection) {
        current.withLock { current in
            if current === connection { current = nil }
        }
    }

    public func serverStreaming<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: String, _ request: Request, as: Response.Type = Response.self, options: CallOptions = CallOptions()
    ) async throws -> ResponseStream<Response> {
        try await connection().serverStreaming(method, request, as: Response.self, options: options)
    }

    public func clientStreaming<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: String, requestType: Request.Type = Request.self, as: Response.Type = Response.self,
        options: CallOptions = CallOptions()
    ) async throws -> ClientStreamingCall<Request, Response> {
        try await connection().clientStreaming(method, requestType: Request.self, as: Response.self, options: options)
    }

    /// Closes the current connection.
    public func close() async {
        await current.withLock { current in defer { current = nil }; return current }?.close()
    }
}
