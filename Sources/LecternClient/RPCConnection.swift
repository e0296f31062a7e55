import LecternProtocol
import NIOCore
import NIOPosix
import Synchronization

/// One connection to a Lectern server, carrying many calls at once. Frames are handed to
/// each call by id on the channel's event loop as they are read (no reading task to wake);
/// a write from a task waits until its frames are written to the socket, so a sender that
/// outpaces the server waits instead of buffering.
public final class RPCConnection: Sendable {
    private struct State {
        var calls: [UInt32: CallSink] = [:]
        var nextCallID: UInt32 = 1
        var closedReason: RPCError?
        var goAway: GoAway?
    }

    enum CallEvent: Sendable {
        case message(ByteBuffer)
        case end(CallEnd)
    }

    /// Where an open call's frames go: a stream of events, or, for a unary call, its last
    /// message kept until CALL_END resumes the caller (no stream to make and iterate).
    private enum CallSink {
        case stream(CallEvents)
        case unary(CheckedContinuation<(ByteBuffer?, CallEnd), any Error>, response: ByteBuffer?)

        func fail(_ error: any Error) {
            switch self {
            case .stream(let events): events.finish(throwing: error)
            case .unary(let continuation, _): continuation.resume(throwing: error)
            }
        }
    }

    private let state = Mutex(State())
    private let channel: any Channel
    /// One flush for the requests written in one turn of the event loop.
    private let flusher: FlushCoalescer

    /// Runs a task on this connection's event loop (`withTaskExecutorPreference`): its calls
    /// then write their requests and resume with their answers on the loop's thread.
    public let executor: EventLoopTaskExecutor

    private init(channel: any Channel) {
        self.channel = channel
        flusher = FlushCoalescer(channel)
        executor = EventLoopTaskExecutor(channel.eventLoop)
    }

    /// Connects to the server's socket.
    /// - Throws: the connect error (the path does not exist, nobody listens, …).
    public static func connect(
        socketPath: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        maxFrameBytes: Int = 4 * 1024 * 1024
    ) async throws -> RPCConnection {
        // Reading starts only once the connection can take frames (a GOAWAY may come first).
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .channelOption(.autoRead, value: false)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxPayloadBytes: maxFrameBytes)))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
                }
            }
            .connect(unixDomainSocketPath: socketPath).get()
        let connection = RPCConnection(channel: channel)
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(FrameDispatcher(connection))
                try channel.syncOptions?.setOption(.autoRead, value: true)
                // Closed before the dispatcher was there: it never sees the end.
                if !channel.isActive { connection.closed(RPCError(.unavailable, "the server closed the connection")) }
            }.get()
        } catch {
            try? await channel.close()
            throw RPCError(.unavailable, "the connection failed: \(error)")
        }
        return connection
    }

    /// Whether new calls can still be opened on this connection.
    public var isUsable: Bool { state.withLock { $0.closedReason == nil && $0.goAway == nil } }

    /// The GOAWAY the server sent, if any.
    public var goAway: GoAway? { state.withLock { $0.goAway } }

    /// Closes the connection; calls still open fail with UNAVAILABLE.
    public func close() async {
        try? await channel.close()
    }

    // MARK: Calls

    /// One request, one response.
    /// - Throws: `RPCError` with the server's status, or UNAVAILABLE when the connection
    ///   is lost; `CancellationError` when the task is cancelled (CANCEL is sent).
    public func unary<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: String, _ request: Request, as: Response.Type = Response.self, options: CallOptions = CallOptions()
    ) async throws -> Response {
        let id = try reserveCallID()
        let frames = [
            Frame(kind: .callStart, callID: id, message: callStart(method, options)),
            Frame(kind: .message, flags: .endStream, callID: id, message: request),
        ]
        do {
            let (message, end) = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    let refusal = state.withLock { state -> RPCError? in
                        if let reason = state.closedReason { return RPCError(reason.code, reason.message, details: Self.notProcessed) }
                        state.calls[id] = .unary(continuation, response: nil)
                        return nil
                    }
                    if let refusal { return continuation.resume(throwing: refusal) }
                    // Cancelled before the call was registered, so `onCancel` found nothing:
                    // end it here, before any frame is sent.
                    if Task.isCancelled { return fail(id, CancellationError()) }
                    send(frames, of: id)
                }
            } onCancel: {
                cancel(id)
            }
            try Self.check(end)
            guard let message else { throw RPCError(.internal, "the server ended \(method) without a response") }
            return try Self.decode(message)
        } catch let error as RPCError where error.code == .unavailable && !error.wasNotProcessed && wasNotProcessed(id) {
            throw RPCError(.unavailable, error.message, details: Self.notProcessed)
        }
    }

    /// Whether the server's GOAWAY says it never processed call `id`.
    private func wasNotProcessed(_ id: UInt32) -> Bool {
        state.withLock { $0.goAway }.map { $0.lastCallID < id } ?? false
    }

    /// One request, a stream of responses. Ending the iteration early cancels the call.
    public func serverStreaming<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: String, _ request: Request, as: Response.Type = Response.self, options: CallOptions = CallOptions()
    ) async throws -> ResponseStream<Response> {
        let (id, events) = try open()
        try await write([
            Frame(kind: .callStart, callID: id, message: callStart(method, options)),
            Frame(kind: .message, flags: .endStream, callID: id, message: request),
        ])
        return ResponseStream(events: events) { [self] in cancel(id) }
    }

    /// A stream of requests, one response: send with `send`, then `finish()` for the response.
    public func clientStreaming<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: String, requestType: Request.Type = Request.self, as: Response.Type = Response.self,
        options: CallOptions = CallOptions()
    ) async throws -> ClientStreamingCall<Request, Response> {
        let (id, events) = try open()
        try await write([Frame(kind: .callStart, callID: id, message: callStart(method, options))])
        return ClientStreamingCall(id: id, connection: self, events: events)
    }

    /// Sends PING and waits for PONG.
    public func ping() async throws {
        // A PING/PONG pair uses call id 0; the PONG arrives as a connection frame.
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        pongWaiter.withLock { $0.append(continuation) }
        try await write([Frame(kind: .ping, callID: 0, message: Ping.with { $0.opaqueData = 42 })])
        for await _ in stream { break }
    }

    private let pongWaiter = Mutex<[AsyncStream<Void>.Continuation]>([])

    // MARK: Internals

    private func callStart(_ method: String, _ options: CallOptions) -> CallStart {
        CallStart.with {
            $0.method = method
            $0.metadata = options.metadata
            $0.timeoutMs = options.timeoutMs
        }
    }

    /// The details of an error for a call the server certainly did not process.
    private static let notProcessed = ErrorDetails.with { $0.reason = RPCError.notProcessedReason }

    /// A new call id; throws when the connection takes no new calls.
    private func reserveCallID() throws -> UInt32 {
        try state.withLock { state in
            if let reason = state.closedReason { throw RPCError(reason.code, reason.message, details: Self.notProcessed) }
            if state.goAway != nil {
                throw RPCError(.unavailable, "the server sent GOAWAY; open the call on a new connection", details: Self.notProcessed)
            }
            defer { state.nextCallID += 1 }
            return state.nextCallID
        }
    }

    func open() throws -> (UInt32, CallEvents) {
        let events = CallEvents()
        let id = try reserveCallID()
        try state.withLock { state in
            if let reason = state.closedReason { throw RPCError(reason.code, reason.message, details: Self.notProcessed) }
            state.calls[id] = .stream(events)
        }
        return (id, events)
    }

    /// Writes `frames` and returns once they are written to the socket.
    func write(_ frames: [Frame]) async throws {
        if let reason = state.withLock({ $0.closedReason }) { throw RPCError(reason.code, reason.message, details: Self.notProcessed) }
        guard let last = frames.last else { return }
        let channel = channel
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.eventLoop.execute {
            for frame in frames.dropLast() { channel.write(frame, promise: nil) }
            channel.writeAndFlush(last, promise: written)
        }
        do {
            try await written.futureResult.get()
        } catch {
            throw RPCError(.unavailable, "the connection is closed", details: Self.notProcessed)
        }
    }

    /// Writes a unary call's frames: straight to the channel while it is writable (no
    /// task, no async writer), flushed with the other calls' frames written in the same
    /// turn of the event loop; else from a task that waits for its frames to be written.
    /// A failed write fails the call.
    private func send(_ frames: [Frame], of id: UInt32) {
        guard channel.isWritable, let last = frames.last else {
            Task {
                do { try await write(frames) } catch { fail(id, error) }
            }
            return
        }
        let (channel, flusher) = (channel, flusher)
        channel.eventLoop.execute {
            for frame in frames.dropLast() { channel.write(frame, promise: nil) }
            channel.write(last).whenFailure { [self] _ in
                fail(id, RPCError(.unavailable, "the connection is closed", details: Self.notProcessed))
            }
            flusher.flushSoon()
        }
    }

    /// Ends call `id` with `error`, if it is still open.
    private func fail(_ id: UInt32, _ error: any Error) {
        state.withLock { $0.calls.removeValue(forKey: id) }?.fail(error)
    }

    /// Abandons call `id`: its caller gets `CancellationError`, CANCEL goes to the server.
    func cancel(_ id: UInt32) {
        guard let sink = state.withLock({ $0.calls.removeValue(forKey: id) }) else { return }
        sink.fail(CancellationError())
        Task { try? await write([Frame(kind: .cancel, callID: id, message: Cancel.with { $0.reason = "cancelled by the client" })]) }
    }

    /// Hands a frame read from the server to its call; on the event loop.
    fileprivate func dispatch(_ frame: Frame) {
        switch frame.kind {
        case .message:
            let stream = state.withLock { state -> CallEvents? in
                switch state.calls[frame.callID] {
                case .stream(let events)?:
                    return events
                case .unary(let continuation, _)?:
                    state.calls[frame.callID] = .unary(continuation, response: frame.payload)
                    return nil
                case nil:
                    return nil
                }
            }
            stream?.yield(.message(frame.payload))
        case .callEnd:
            guard let sink = state.withLock({ $0.calls.removeValue(forKey: frame.callID) }) else { return }
            let end: CallEnd
            do {
                end = try frame.decode(CallEnd.self)
            } catch {
                sink.fail(RPCError(.internal, "the server's CALL_END does not decode: \(error)"))
                return
            }
            switch sink {
            case .stream(let events):
                events.yield(.end(end))
                events.finish()
            case .unary(let continuation, let response):
                continuation.resume(returning: (response, end))
            }
        case .goAway:
            let goAway = try? frame.decode(GoAway.self)
            state.withLock { $0.goAway = goAway ?? GoAway() }
        case .ping:
            channel.writeAndFlush(Frame(kind: .pong, callID: 0, payload: frame.payload), promise: nil)
        case .pong:
            for waiter in pongWaiter.withLock({ list in defer { list.removeAll() }; return list }) {
                waiter.yield()
                waiter.finish()
            }
        default:
            break
        }
    }

    /// Fails the open calls and refuses new ones: the connection ended.
    fileprivate func closed(_ reason: RPCError) {
        let calls = state.withLock { state in
            state.closedReason = state.closedReason ?? reason
            defer { state.calls.removeAll() }
            return Array(state.calls.values)
        }
        for call in calls { call.fail(reason) }
        for waiter in pongWaiter.withLock({ list in defer { list.removeAll() }; return list }) { waiter.finish() }
    }

    static func decode<M: ProtoMessage>(_ bytes: ByteBuffer) throws -> M {
        do {
            return try bytes.withUnsafeReadableBytes { try M(decoding: $0) }
        } catch let error as WireError {
            throw RPCError(.internal, "the server's \(M.protoName) does not decode: \(error)")
        }
    }

    static func check(_ end: CallEnd) throws {
        guard end.statusCode == 0 else {
            throw RPCError(RPCStatusCode(rawValue: end.statusCode), end.statusMessage, details: end.details)
        }
    }
}

/// The responses of a server-streaming call. Iterating ends after the server's OK; a
/// non-OK status is thrown as `RPCError`. Dropping the iterator early cancels the call.
public struct ResponseStream<Response: ProtoMessage>: AsyncSequence, Sendable {
    public typealias Element = Response
    let events: CallEvents
    let cancel: @Sendable () -> Void

    public final class AsyncIterator: AsyncIteratorProtocol {
        let events: CallEvents
        let cancel: @Sendable () -> Void
        var finished = false

        init(events: CallEvents, cancel: @escaping @Sendable () -> Void) {
            self.events = events
            self.cancel = cancel
        }

        deinit { if !finished { cancel() } }

        /// The next response; nil after the server's OK. Cancelling the task cancels the
        /// call (CANCEL goes to the server) and throws `CancellationError`.
        public func next() async throws -> Response? {
            guard !finished else { return nil }
            do {
                switch try await withTaskCancellationHandler(operation: events.next, onCancel: cancel) {
                case .message(let bytes)?:
                    return try RPCConnection.decode(bytes)
                case .end(let end)?:
                    finished = true
                    try RPCConnection.check(end)
                    return nil
                case nil:
                    finished = true
                    throw RPCError(.unavailable, "the connection closed during the call")
                }
            } catch {
                finished = true
                throw error
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(events: events, cancel: cancel)
    }
}

/// An open client-streaming call.
public struct ClientStreamingCall<Request: ProtoMessage, Response: ProtoMessage>: Sendable {
    let id: UInt32
    let connection: RPCConnection
    let events: CallEvents

    /// Sends one request message.
    public func send(_ request: Request) async throws {
        try await connection.write([Frame(kind: .message, callID: id, message: request)])
    }

    /// Half-closes and waits for the response. Cancelling the task cancels the call.
    public func finish() async throws -> Response {
        try await connection.write([Frame(kind: .halfClose, callID: id)])
        var response: Response?
        while let event = try await withTaskCancellationHandler(operation: events.next, onCancel: cancel) {
            switch event {
            case .message(let bytes): response = try RPCConnection.decode(bytes)
            case .end(let end):
                try RPCConnection.check(end)
                guard let response else { throw RPCError(.internal, "the server ended the call without a response") }
                return response
            }
        }
        throw RPCError(.unavailable, "the connection closed during the call")
    }

    /// Abandons the call.
    public func cancel() { connection.cancel(id) }
}

/// The end of the client's pipeline: each frame read goes to its call at once, on the
/// event loop; the connection's end or failure ends every open call.
private final class FrameDispatcher: ChannelInboundHandler {
    typealias InboundIn = Frame

    private let connection: RPCConnection

    init(_ connection: RPCConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.dispatch(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.closed(RPCError(.unavailable, "the server closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection.closed(RPCError(.unavailable, "the connection failed: \(error)"))
        context.close(promise: nil)
    }
}
