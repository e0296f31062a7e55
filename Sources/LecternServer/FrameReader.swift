import LecternProtocol
import NIOCore

/// The server's inbound framing: splits bytes into frames (checking each length against
/// the limit before buffering), closes a connection whose frame is not complete within
/// `frameCompletionTimeout`, and one that stayed idle (no frame, no call) for `idleTimeout`.
/// Each refusal is a GOAWAY naming the reason, then close.
final class FrameReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = Frame

    private let maxPayloadBytes: Int
    private let frameCompletionTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let activity: ConnectionActivity
    private var buffer = ByteBuffer()
    private var partialFrameTimer: Scheduled<Void>?
    private var idleCheck: RepeatedTask?
    private var lastReadAt = NIODeadline.now()
    private var closing = false
    /// Until `start`, bytes are kept and not decoded, and the end of input is held back:
    /// NIO reads a socket whose client already shut down its side to the end as soon as it
    /// is registered, reads on or not, and frames passed on before the connection's
    /// NIOAsyncChannel is in the pipeline would be lost.
    private var started = false
    private var inputClosedBeforeStart = false
    private var context: ChannelHandlerContext?

    init(configuration: RPCServerConfiguration, activity: ConnectionActivity) {
        maxPayloadBytes = configuration.maxFrameBytes
        frameCompletionTimeout = TimeAmount(clamping: configuration.frameCompletionTimeout)
        idleTimeout = TimeAmount(clamping: configuration.idleTimeout)
        self.activity = activity
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let interval = TimeAmount.nanoseconds(max(idleTimeout.nanoseconds / 4, 1_000_000))
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleCheck = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let (reader, context) = loopBound.value
            reader.checkIdle(context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        partialFrameTimer?.cancel()
        self.context = nil
    }

    /// Passes on the frames read so far, and from now on each as it comes; then the end of
    /// input, if it came already. Called on the event loop once the connection is served.
    func start() {
        guard !started, let context else { return }
        started = true
        decodeFrames(context: context)
        context.fireChannelReadComplete()
        if inputClosedBeforeStart { context.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if !started, let event = event as? ChannelEvent, event == .inputClosed {
            inputClosedBeforeStart = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        var incoming = unwrapInboundIn(data)
        lastReadAt = .now()
        if buffer.readableBytes == 0 {
            buffer = incoming
        } else {
            buffer.writeBuffer(&incoming)
        }
        guard started else { return }
        decodeFrames(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard started else { return }
        context.fireChannelReadComplete()
    }

    private func decodeFrames(context: ChannelHandlerContext) {
        guard !closing else { return }
        do {
            while let frame = try FrameDecoder.decodeFrame(from: &buffer, maxPayloadBytes: maxPayloadBytes) {
                partialFrameTimer?.cancel()
                partialFrameTimer = nil
                context.fireChannelRead(wrapInboundOut(frame))
            }
        } catch {
            goAway(context: context, error.statusCode, error.message)
            return
        }
        if buffer.readableBytes == 0 {
            buffer.clear()
        } else {
            buffer.discardReadBytes()
            if partialFrameTimer == nil {
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                let seconds = Double(frameCompletionTimeout.nanoseconds) / 1e9
                partialFrameTimer = context.eventLoop.scheduleTask(in: frameCompletionTimeout) {
                    let (reader, context) = loopBound.value
                    reader.goAway(context: context, .deadlineExceeded, "a frame was not completed within \(seconds) s")
                }
            }
        }
    }

    private func checkIdle(context: ChannelHandlerContext) {
        guard !closing, activity.activeCalls == 0, NIODeadline.now() - lastReadAt >= idleTimeout else { return }
        goAway(context: context, .ok, "idle for \(idleTimeout.nanoseconds / 1_000_000_000) s with no call")
    }

    /// Writes GOAWAY straight to the socket (this handler sits below the encoder), then closes.
    private func goAway(context: ChannelHandlerContext, _ code: RPCStatusCode, _ message: String) {
        guard !closing else { return }
        closing = true
        partialFrameTimer?.cancel()
        var bytes = ByteBuffer()
        let goAway = GoAway.with {
            $0.lastCallID = activity.highestCallID
            $0.statusCode = code.rawValue
            $0.message = message
        }
        FrameEncoder.encode(Frame(kind: .goAway, callID: 0, message: goAway), into: &bytes)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(NIOAny(bytes)).whenComplete { _ in loopBound.value.close(promise: nil) }
    }
}

extension TimeAmount {
    /// `duration`, at most `Int64.max` nanoseconds (292 years) instead of trapping past it.
    init(clamping duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else {
            self = .nanoseconds(seconds < 0 ? .min : .max)
            return
        }
        let (total, overflowAgain) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        self = .nanoseconds(overflowAgain ? (whole < 0 ? .min : .max) : total)
    }
}
