import LecternProtocol
import NIOCore

/// The methods a server serves, each registered explicitly with its request and response
/// types (no code generation). Build it before serving; it does not change afterwards.
public struct RPCRouter: Sendable {
    private(set) var handlers: [String: RPCHandler] = [:]

    public init() {}

    /// The registered method paths.
    public var methods: [String] { handlers.keys.sorted() }

    /// One request, one response.
    ///
    /// - Parameter onEventLoop: run the handler on its connection's event loop, which then
    ///   writes the response without a hop to another thread. Only for handlers that do a
    ///   few microseconds of work and never block: memory, point reads of the store
    ///   (`SQLiteStore.pointRead`), or waiting for the writer. Anything longer holds up every
    ///   connection of that loop. A request over `ServerCall.largestRequestOnEventLoop`
    ///   bytes runs off the loop all the same.
    public mutating func unary<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: String, onEventLoop: Bool = false,
        _ handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        register(method, .single(onEventLoop: onEventLoop) { bytes, context, _ in
            let request: Request = try decodeSingle(bytes, method)
            return ByteBuffer(bytes: try await handler(request, context).serializedBytes())
        })
    }

    /// One request, a stream of responses written with `ResponseWriter`.
    public mutating func serverStreaming<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: String,
        _ handler: @escaping @Sendable (Request, ServerContext, ResponseWriter<Response>) async throws -> Void
    ) {
        register(method, .single(onEventLoop: false) { bytes, context, sink in
            let request: Request = try decodeSingle(bytes, method)
            try await handler(request, context, ResponseWriter(sink: sink))
            return nil
        })
    }

    /// A stream of requests, one response.
    public mutating func clientStreaming<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: String,
        _ handler: @escaping @Sendable (RequestStream<Request>, ServerContext) async throws -> Response
    ) {
        register(method, .stream { requests, context, _ in
            let response = try await handler(RequestStream(requests: requests), context)
            return ByteBuffer(bytes: response.serializedBytes())
        })
    }

    private mutating func register(_ method: String, _ handler: RPCHandler) {
        precondition(handlers[method] == nil, "\(method) is registered twice")
        handlers[method] = handler
    }
}

/// A type-erased handler. It may stream raw responses through the sink, and returns the
/// single response of a unary or client-streaming call.
enum RPCHandler: Sendable {
    /// Unary and server-streaming: one request message, handed over as it arrives (nil when
    /// the client ended its requests without sending one). No stream is made for it.
    /// `onEventLoop`: the handler runs on its connection's event loop (see `RPCRouter.unary`).
    case single(onEventLoop: Bool, @Sendable (ByteBuffer?, ServerContext, ResponseSink) async throws -> ByteBuffer?)
    /// Client-streaming: the request messages as they arrive.
    case stream(@Sendable (RawRequests, ServerContext, ResponseSink) async throws -> ByteBuffer?)
}

/// The request messages of a client-streaming call as they arrive, and what to tell the
/// connection when the handler takes one: its bytes are no longer held for the call.
struct RawRequests: Sendable {
    let messages: AsyncStream<ByteBuffer>
    let taken: @Sendable (Int) -> Void
}

/// The one request message of a unary or server-streaming call, decoded.
func decodeSingle<Request: ProtoMessage>(_ bytes: ByteBuffer?, _ method: String) throws -> Request {
    guard let bytes else {
        try Task.checkCancellation()
        throw RPCError(.invalidArgument, "\(method) takes one request message; the call sent none")
    }
    return try decodeRequest(bytes)
}

func decodeRequest<Request: ProtoMessage>(_ bytes: ByteBuffer) throws -> Request {
    do {
        return try bytes.withUnsafeReadableBytes { buffer in
            try Request(decoding: buffer)
        }
    } catch let error as WireError {
        throw RPCError(.invalidArgument, "the request is not a valid \(Request.protoName): \(error)")
    }
}

/// The request messages of a client-streaming call, decoded as they are read.
public struct RequestStream<Request: ProtoMessage>: AsyncSequence, Sendable {
    public typealias Element = Request
    let requests: RawRequests

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<ByteBuffer>.AsyncIterator
        let taken: @Sendable (Int) -> Void

        /// The next request; nil after the client half-closed.
        /// - Throws: `RPCError` INVALID_ARGUMENT when a message does not decode.
        public mutating func next() async throws -> Request? {
            guard let bytes = await base.next() else { return nil }
            taken(bytes.readableBytes)
            return try decodeRequest(bytes)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: requests.messages.makeAsyncIterator(), taken: requests.taken)
    }
}

/// Sends the responses of a server-streaming call. `write` waits while the client is not
/// reading (the socket's buffer is full), so a handler never piles up memory.
public struct ResponseWriter<Response: ProtoMessage>: Sendable {
    let sink: ResponseSink

    /// Sends one response message.
    /// - Throws: `CancellationError` or `RPCError` once the call has ended (cancelled,
    ///   past its deadline, connection gone).
    public func write(_ response: Response) async throws {
        try await sink.send([ByteBuffer(bytes: response.serializedBytes())])
    }

    /// Sends responses already encoded (as `Response`), in order, with one flush: a
    /// stream that sends the same message to many callers encodes it once.
    public func write(encoded responses: [ByteBuffer]) async throws {
        guard !responses.isEmpty else { return }
        try await sink.send(responses)
    }
}

/// Where a call's response messages go: the connection's outbound side, tagged with the call id.
struct ResponseSink: Sendable {
    let send: @Sendable ([ByteBuffer]) async throws -> Void
}
