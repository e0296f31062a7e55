import LecternProtocol
import Logging
import NIOCore
import Synchronization

/// One accepted connection: reads frames in order, runs each call as its own task, and
/// writes responses through the channel's outbound writer (which waits while the client
/// does not read, so no call can pile up memory; `ServerConnection+Responses.swift`).
final class ServerConnection: Sendable {
    let id: UInt64
    let peer: PeerCredentials
    let activity: ConnectionActivity
    private let router: RPCRouter
    private let configuration: RPCServerConfiguration
    /// This connection's share of the request data the server holds.
    private let requestBytes: HeldMemory.Account
    /// Responses waiting in the outbound writer for a client that does not read.
    let responseBytes: HeldMemory.Account
    let outbound: NIOAsyncChannelOutboundWriter<Frame>
    let channel: any Channel
    /// One flush for the responses written in one turn of the event loop.
    let flusher: FlushCoalescer
    /// Where handlers registered `onEventLoop` run: this connection's loop.
    private let eventLoopExecutor: EventLoopTaskExecutor
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var calls: [UInt32: ServerCall] = [:]
        var highestCallID: UInt32 = 0
        var goingAway = false
        /// The connection's one deadline timer and when it fires: at the soonest deadline of
        /// its calls, or earlier.
        var deadlineTimer: (at: ContinuousClock.Instant, scheduled: Scheduled<Void>)?
        var closed = false
        /// The calls still open when `serve` ended, which it cancelled.
        var cancelledAtEnd: [ServerCall] = []
        /// Calls that sent their CALL_END and whose handler has not returned yet. Their ids
        /// are free for new calls at once (a client may reuse an id once it read CALL_END).
        var ending: [ObjectIdentifier: ServerCall] = [:]
        /// The channel closed (the client left, or the server closed it).
        var channelClosed = false
        /// `serve`, once the client closed its side, waiting for the last call to end.
        var lastCallWaiter: CheckedContinuation<Void, Never>?
        /// Retired calls whose last frames are not yet handed to the channel. `serve` waits
        /// for them as for open calls: its last flush, and the close after it, must come
        /// after those writes, or the answers are lost.
        var endsBeingWritten = 0

        /// No call open, and none of the retired ones still being written.
        var allCallsWritten: Bool { calls.isEmpty && endsBeingWritten == 0 }

        /// `lastCallWaiter`, taken, when all calls are written (or `always`).
        mutating func takeLastCallWaiter(always: Bool = false) -> CheckedContinuation<Void, Never>? {
            guard always || allCallsWritten else { return nil }
            defer { lastCallWaiter = nil }
            return lastCallWaiter
        }
    }

    init(
        id: UInt64, peer: PeerCredentials, activity: ConnectionActivity, router: RPCRouter,
        configuration: RPCServerConfiguration, requestBytes: HeldMemory.Account, responseBytes: HeldMemory.Account,
        outbound: NIOAsyncChannelOutboundWriter<Frame>,
        channel: any Channel, executor: EventLoopTaskExecutor, logger: Logger
    ) {
        self.id = id
        self.peer = peer
        self.activity = activity
        self.router = router
        self.configuration = configuration
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
        self.outbound = outbound
        self.channel = channel
        flusher = FlushCoalescer(channel)
        eventLoopExecutor = executor
        var logger = logger
        logger[metadataKey: "connection.id"] = "\(id)"
        self.logger = logger
    }

    /// Serves frames until the client closes, a protocol error ends the connection, or
    /// (after `goAway`) the last call finished. Cancels the calls still open.
    func serve(_ inbound: NIOAsyncChannelInboundStream<Frame>) async {
        // On the event loop that reads the frames (the server starts the connection's task
        // there already): each burst of them is handled there, with no hop to the global
        // executor and back. Handlers not placed on the loop still run off it
        // (`ServerCall.start`: a task of its own, which takes no preference).
        await withTaskExecutorPreference(eventLoopExecutor) { await handleFrames(inbound) }
    }

    private func handleFrames(_ inbound: NIOAsyncChannelInboundStream<Frame>) async {
        // Waiting for a handler to take a message (`waitForRoom`) ends once the client left.
        channel.closeFuture.whenComplete { [weak self] _ in
            guard let self else { return }
            let (calls, waiter) = state.withLock { state in
                state.channelClosed = true
                return (Array(state.calls.values), state.takeLastCallWaiter(always: true))
            }
            for call in calls { call.stopWaitingForRoom() }
            waiter?.resume()
        }
        // True when the frames ended (the client closed its side, or all of the connection)
        // rather than a protocol error or a failure ending them.
        var inputEnded = true
        do {
            for try await frame in inbound {
                if let error = await handle(frame) {
                    logger.warning("closing connection", metadata: ["reason": "\(error.message)"])
                    await sendGoAway(error.statusCode, error.message)
                    inputEnded = false
                    break
                }
            }
        } catch {
            inputEnded = false
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
        if inputEnded { await finishCallsAfterInputEnded() }
        let (open, timer) = state.withLock { state in
            let open = Array(state.calls.values) + Array(state.ending.values)
            defer {
                state.cancelledAtEnd = open
                state.calls.removeAll()
                state.ending.removeAll()
                state.deadlineTimer = nil
                state.closed = true
            }
            return (open, state.deadlineTimer?.scheduled)
        }
        timer?.cancel()
        for call in open { call.cancel() }
        // The channel closes next: flush the responses written before now.
        let channel = channel
        try? await channel.eventLoop.submit { channel.flush() }.get()
    }

    /// The client closed its side of the connection (`shutdown(SHUT_WR)` after its last
    /// frame, as a client that sends its calls and then reads until the end may do), or
    /// all of it. Calls that have their requests run to their end and write their
    /// responses; calls still waiting for a request message can never get it and end
    /// CANCELLED. A client that closed all of it is known when the channel closes, which
    /// ends the wait, and `serve` cancels what still runs.
    private func finishCallsAfterInputEnded() async {
        let incomplete = state.withLock { $0.calls.values.filter { !$0.hasAllRequests } }
        for call in incomplete {
            await end(call, RPCError(.cancelled, "the client closed its side of the connection before the call's requests ended").callEnd)
            call.cancel()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                guard !state.allCallsWritten, !state.channelClosed else { return true }
                state.lastCallWaiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Returns once the handlers of the calls that `serve` cancelled have returned. Called
    /// after the channel is closed, so none of them still waits to write; the server stops
    /// its event loops, which their last steps use, only after this.
    func cancelledCallsEnded() async {
        for call in state.withLock({ $0.cancelledAtEnd }) { await call.finished() }
    }

    /// Refuses new calls from now on and tells the client which it will still complete.
    func goAway() async {
        let last = state.withLock { state in
            state.goingAway = true
            return state.highestCallID
        }
        try? await outbound.write(Frame(kind: .goAway, callID: 0, message: GoAway.with {
            $0.lastCallID = last
            $0.message = "the server is shutting down"
        }))
    }

    /// Closes the channel; calls still running are cancelled by `serve`.
    func close() {
        // Responses written but not yet flushed (`FlushCoalescer`) go out first: a close
        // drops what it finds unflushed.
        let channel = channel
        channel.eventLoop.execute {
            channel.flush()
            channel.close(promise: nil)
        }
    }

    private func sendGoAway(_ code: RPCStatusCode, _ message: String) async {
        let last = state.withLock { $0.highestCallID }
        try? await outbound.write(Frame(kind: .goAway, callID: 0, message: GoAway.with {
            $0.lastCallID = last
            $0.statusCode = code.rawValue
            $0.message = message
        }))
    }

    // MARK: Frames

    /// Handles one frame; returns the error that must end the connection, if any.
    private func handle(_ frame: Frame) async -> FrameError? {
        switch frame.kind {
        case .callStart:
            return await start(frame)
        case .message:
            guard let call = state.withLock({ $0.calls[frame.callID] }) else { return nil }
            await call.waitForRoom()
            if let error = call.hold(frame.payload.readableBytes) {
                await end(call, error.callEnd)
                call.cancel()
            } else if !call.deliver(frame.payload) {
                await end(call, RPCError(
                    .resourceExhausted,
                    "more than \(configuration.maxBufferedRequestMessages) request messages are waiting for the handler"
                ).callEnd)
                call.cancel()
            } else if frame.flags.contains(.endStream) {
                call.finishRequests()
            }
        case .halfClose:
            state.withLock { $0.calls[frame.callID] }?.finishRequests()
        case .cancel:
            if let call = state.withLock({ $0.calls[frame.callID] }) {
                await end(call, RPCError(.cancelled, "cancelled by the client").callEnd)
                call.cancel()
            }
        case .ping:
            guard frame.callID == 0 else { return FrameError(.invalidArgument, "PING on call \(frame.callID); PING uses call id 0") }
            try? await outbound.write(Frame(kind: .pong, callID: 0, payload: frame.payload))
        case .pong, .goAway:
            break
        case .callEnd:
            return FrameError(.invalidArgument, "CALL_END is sent by servers only")
        default:
            return FrameError(.invalidArgument, "unknown frame kind \(frame.kind.rawValue)")
        }
        return nil
    }

    private func start(_ frame: Frame) async -> FrameError? {
        let id = frame.callID
        enum Admission { case accepted, refused(RPCError), protocolError(FrameError) }
        let admission: Admission = state.withLock { state in
            guard id != 0 else { return .protocolError(FrameError(.invalidArgument, "CALL_START with call id 0")) }
            // Ids should grow, but frames of concurrent calls may arrive slightly out of
            // order: only an id still in use is refused.
            guard state.calls[id] == nil else {
                return .protocolError(FrameError(.invalidArgument, "call id \(id) is already in use"))
            }
            state.highestCallID = max(state.highestCallID, id)
            if state.goingAway {
                return .refused(RPCError(
                    .unavailable, "the server is shutting down; open the call on a new connection",
                    details: .with { $0.reason = RPCError.notProcessedReason }
                ))
            }
            // Calls that ended but whose handler still runs count too: the limit is on handlers.
            if state.calls.count + state.ending.count >= configuration.maxConcurrentCallsPerConnection {
                return .refused(RPCError(.resourceExhausted, "more than \(configuration.maxConcurrentCallsPerConnection) calls open on this connection"))
            }
            return .accepted
        }
        switch admission {
        case .protocolError(let error):
            return error
        case .refused(let error):
            try? await outbound.write(Frame(kind: .callEnd, callID: id, message: error.callEnd))
            return nil
        case .accepted:
            break
        }
        guard frame.payload.readableBytes <= configuration.maxCallStartBytes else {
            let error = RPCError(
                .resourceExhausted,
                "CALL_START payload: \(frame.payload.readableBytes) bytes, over the limit of \(configuration.maxCallStartBytes) for the method and metadata"
            )
            try? await outbound.write(Frame(kind: .callEnd, callID: id, message: error.callEnd))
            return nil
        }
        let callStart: CallStart
        do {
            callStart = try frame.decode(CallStart.self)
        } catch {
            try? await outbound.write(Frame(kind: .callEnd, callID: id, message: RPCError(.invalidArgument, "CALL_START payload: \(error)").callEnd))
            return nil
        }
        let metadata: [String: String]
        do {
            metadata = try ServerContext.lowercasingKeys(callStart.metadata)
        } catch {
            try? await outbound.write(Frame(kind: .callEnd, callID: id, message: error.callEnd))
            return nil
        }
        guard let handler = router.handlers[callStart.method] else {
            try? await outbound.write(Frame(kind: .callEnd, callID: id, message: RPCError(.unimplemented, "method \(callStart.method) is not served").callEnd))
            return nil
        }
        // The call holds its CALL_START's bytes until it ends.
        let cost = HeldMemory.callCost + frame.payload.readableBytes
        if let error = requestBytes.reserve(cost) {
            try? await outbound.write(Frame(kind: .callEnd, callID: id, message: error.callEnd))
            return nil
        }
        let deadline = callStart.timeoutMs > 0 ? ContinuousClock.now + .milliseconds(Int64(clamping: callStart.timeoutMs)) : nil
        let context = ServerContext(method: callStart.method, metadata: metadata, deadline: deadline, peer: peer, eventLoopExecutor: eventLoopExecutor)
        /// Makes the call known to the connection; its deadline is watched from now on.
        func admit(_ call: ServerCall) {
            let rearm = state.withLock { state -> Bool in
                state.calls[id] = call
                guard let deadline else { return false }
                return state.deadlineTimer.map { deadline < $0.at } ?? true
            }
            activity.callStarted(id)
            if rearm, let deadline { armDeadlineTimer(at: deadline) }
        }
        let call: ServerCall
        switch handler {
        case .single(let onEventLoop, let body):
            // The task starts when the request arrives: no stream to carry one message.
            call = ServerCall(id: id, deadline: deadline, requests: nil, holding: cost, of: requestBytes)
            admit(call)
            call.startOnRequest(on: onEventLoop ? eventLoopExecutor : nil) { [self] request in
                await run(call, context) { sink in try await body(request, context, sink) }
            }
        case .stream(let body):
            let (requests, continuation) = AsyncStream.makeStream(
                of: ByteBuffer.self, bufferingPolicy: .bufferingOldest(configuration.maxBufferedRequestMessages)
            )
            call = ServerCall(
                id: id, deadline: deadline, requests: continuation, holding: cost, of: requestBytes,
                maxQueued: (configuration.maxBufferedRequestMessages, configuration.maxBufferedRequestBytes)
            )
            admit(call)
            let raw = RawRequests(messages: requests, taken: { call.release($0) })
            call.start { [self] in
                await run(call, context) { sink in try await body(raw, context, sink) }
            }
        }
        // END_STREAM on the CALL_START itself: the call sends no request message.
        if frame.flags.contains(.endStream) { call.finishRequests() }
        return nil
    }

    // MARK: Calls

    private func run(_ call: ServerCall, _ context: ServerContext, _ handler: (ResponseSink) async throws -> ByteBuffer?) async {
        let sink = ResponseSink { [self] messages in try await writeStreamed(messages, of: call) }
        let clock = ContinuousClock()
        let started = clock.now
        var status = RPCStatusCode.ok
        var failure = ""
        // The response lives in this one variable, which `end` empties: a response it drops
        // is freed before the call waits to write why.
        var response: ByteBuffer?
        let outcome: Result<Void, any Error>
        do {
            response = try await handler(sink)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success:
            if let dropped = await end(call, CallEnd(), response: &response) {
                status = dropped.code
                failure = dropped.message
            }
        case .failure(let error as RPCError):
            status = error.code
            failure = error.message
            await end(call, error.callEnd)
        case .failure(is CancellationError):
            status = .cancelled
            await end(call, RPCError(.cancelled, "the call was cancelled").callEnd)
        case .failure(let error) where error is ChannelError || error is NIOAsyncWriterError:
            // A response could not be written: the client closed the connection. Not a fault
            // of the server, so not INTERNAL and not logged as an error.
            status = .cancelled
            await end(call, RPCError(.cancelled, "the connection closed").callEnd)
        case .failure(let error):
            status = .internal
            logger.error("handler failed", metadata: ["rpc.method": "\(context.method)", "error": "\(error)"])
            await end(call, RPCError(.internal, "internal error").callEnd)
        }
        if call.passedDeadline { status = .deadlineExceeded }
        forget(call)
        call.releaseAll()
        activity.callEnded()
        CallLog.record(status, failure, of: context, took: clock.now - started, to: logger)
    }

    /// Arms the connection's deadline timer for `deadline`, in place of a later one.
    ///
    /// One timer per connection, not one per call: arming and cancelling a timer from a
    /// call's task each wake the event loop, twice per call, while a call that ends in
    /// time leaves nothing to cancel here. The timer fires at the soonest deadline, ends
    /// the calls past theirs, and is armed again for the soonest one left. Calls that
    /// share a timeout come in deadline order, so the timer is seldom armed again.
    private func armDeadlineTimer(at deadline: ContinuousClock.Instant) {
        let remaining = max(.zero, ContinuousClock.now.duration(to: deadline))
        let scheduled = channel.eventLoop.scheduleTask(in: TimeAmount(remaining)) { [self] in expireDeadlines() }
        let replaced = state.withLock { state -> Scheduled<Void>? in
            // A sooner timer was armed meanwhile, or the connection ended: this one goes.
            if state.closed { return scheduled }
            if let current = state.deadlineTimer, current.at <= deadline { return scheduled }
            defer { state.deadlineTimer = (deadline, scheduled) }
            return state.deadlineTimer?.scheduled
        }
        replaced?.cancel()
    }

    /// The call is about to send its CALL_END, after its last stream write (`end` and the
    /// deadline stop them and wait): its id is free from now on (a client that reads the
    /// CALL_END may open a call with the same id at once, and no MESSAGE of this call can
    /// follow), and its handler is waited for among the calls `ending`. Freeing the id only
    /// once the handler returned let a client that reused it see "call id 1 is already in
    /// use" and lose the connection.
    ///
    /// - Returns: true when the call was open: its caller then writes the call's last frames
    ///   and says so with `endWritten`, which `serve` waits for.
    func retire(_ call: ServerCall) -> Bool {
        state.withLock { state in
            guard state.calls[call.id] === call else { return false }
            state.calls[call.id] = nil
            state.ending[ObjectIdentifier(call)] = call
            state.endsBeingWritten += 1
            return true
        }
    }

    /// The last frames of a call `retire` returned true for are handed to the channel.
    func endWritten() {
        let waiter = state.withLock { state in
            state.endsBeingWritten -= 1
            return state.takeLastCallWaiter()
        }
        waiter?.resume()
    }

    /// The call's handler returned: the connection forgets it.
    private func forget(_ call: ServerCall) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.ending[ObjectIdentifier(call)] = nil
            if state.calls[call.id] === call { state.calls[call.id] = nil }
            return state.takeLastCallWaiter()
        }
        waiter?.resume()
    }

    /// On the event loop, when the deadline timer fires: ends each call whose deadline
    /// passed with DEADLINE_EXCEEDED and cancels its handler, then arms the timer for the
    /// soonest deadline left. CALL_END goes out at once (after a stream write already under
    /// way), even if the handler ignores its cancellation, and from a task of its own, so no
    /// cancellation can drop it.
    private func expireDeadlines() {
        let now = ContinuousClock.now
        let (expired, next) = state.withLock { state -> ([ServerCall], ContinuousClock.Instant?) in
            state.deadlineTimer = nil
            var expired: [ServerCall] = []
            var next: ContinuousClock.Instant?
            for call in state.calls.values {
                guard let deadline = call.deadline else { continue }
                if deadline <= now { expired.append(call) } else { next = min(next ?? deadline, deadline) }
            }
            return (expired, state.closed ? nil : next)
        }
        for call in expired where call.markEnded() {
            call.markDeadlinePassed()
            let callEnd = RPCError(.deadlineExceeded, "the call's deadline passed").callEnd
            let writing = call.stopStreamWrites().writing
            Task {
                if writing { await call.streamWritesDone() }
                let retired = retire(call)
                try? await outbound.write(Frame(kind: .callEnd, callID: call.id, message: callEnd))
                if retired { endWritten() }
            }
            call.cancel()
        }
        if let next { armDeadlineTimer(at: next) }
    }
}
