import Foundation
import LecternClient
import LecternProtocol
import NIOCore
import NIOPosix

/// A consultant's Watch stream as the load generator reads it: on a connection of its own,
/// each frame read where the socket's bytes land, on the event loop, and only the update's
/// commit time kept.
///
/// At 10,000 readers and 50 consultants the server sends 170,000 updates a second. Through
/// `RPCConnection`'s stream each was a `Frame`, a hop into a task and a wake of its iterator:
/// about a quarter of a core of the two the server under test shares with the generator.
enum WatchTimer {
    /// Opens a Watch stream with `token` and records each event's commit→delivery time under
    /// `name` until the returned channel is closed. A stream that ends before `until` without
    /// a status (the connection lost), or with one other than OK, counts as a failed Watch.
    static func start(
        socketPath: String, token: String, name: String, until end: ContinuousClock.Instant, recorder: Recorder
    ) async throws -> any Channel {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(Decoder(name: name, end: end, recorder: recorder)))
                }
            }
            .connect(unixDomainSocketPath: socketPath).get()
        var request = ByteBuffer()
        FrameEncoder.encode(Frame(kind: .callStart, callID: 1, message: CallStart.with {
            $0.method = Workloads.watch
            $0.metadata = ["authorization": "Bearer \(token)"]
        }), into: &request)
        FrameEncoder.encode(Frame(kind: .message, flags: .endStream, callID: 1, message: WatchRequest()), into: &request)
        try await channel.writeAndFlush(request)
        return channel
    }

    /// Reads frames where they land (`FrameDecoder.decodeFrame`, a view of the bytes): MESSAGE
    /// frames' commit times, CALL_END's status; answers PING.
    private struct Decoder: ByteToMessageDecoder {
        typealias InboundOut = Never

        let name: String
        let end: ContinuousClock.Instant
        let recorder: Recorder
        /// Recorded 64 at a time, or what 10 ms brought, and the rest when the channel closes.
        var latencies: [UInt64] = []
        var firstUs: UInt64 = 0
        /// The stream's status arrived, or a frame did not decode (and was counted).
        var ended = false

        init(name: String, end: ContinuousClock.Instant, recorder: Recorder) {
            self.name = name
            self.end = end
            self.recorder = recorder
            latencies.reserveCapacity(64)
        }

        mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
            guard let frame = try FrameDecoder.decodeFrame(from: &buffer, maxPayloadBytes: .max) else { return .needMoreData }
            switch frame.kind {
            case .message:
                guard !ended, let update = decoded(frame, as: ActivityTiming.self, context), update.isEvent else { break }
                let nowUs = UInt64(Date().timeIntervalSince1970 * 1_000_000)
                if latencies.isEmpty { firstUs = nowUs }
                latencies.append(nowUs &- UInt64(update.committedAtMs) * 1000)
                if latencies.count == 64 || nowUs &- firstUs >= 10_000 { flush() }
            case .callEnd:
                guard !ended, let callEnd = decoded(frame, as: CallEnd.self, context) else { break }
                ended = true
                if callEnd.statusCode != 0 { recorder.fail(Workloads.name(Workloads.watch), RPCStatusCode(rawValue: callEnd.statusCode)) }
            case .ping:
                var pong = ByteBuffer()
                FrameEncoder.encode(Frame(kind: .pong, callID: 0, payload: frame.payload), into: &pong)
                context.writeAndFlush(NIOAny(pong), promise: nil)
            default:
                break
            }
            return .continue
        }

        /// The frame's payload as `M`; nil, counted as a failed Watch, when it does not decode.
        private mutating func decoded<M: ProtoMessage>(_ frame: Frame, as type: M.Type, _ context: ChannelHandlerContext) -> M? {
            do {
                return try frame.decode(M.self)
            } catch {
                fail(.internal, context)
                return nil
            }
        }

        mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
            while try decode(context: context, buffer: &buffer) == .continue {}
            return .needMoreData
        }

        mutating func decoderRemoved(context: ChannelHandlerContext) {
            flush()
            if !ended, ContinuousClock.now < end { recorder.fail(Workloads.name(Workloads.watch), .unavailable) }
        }

        /// Counts a frame that does not decode as a failed Watch, and closes the stream.
        private mutating func fail(_ code: RPCStatusCode, _ context: ChannelHandlerContext) {
            ended = true
            recorder.fail(Workloads.name(Workloads.watch), code)
            context.close(promise: nil)
        }

        private mutating func flush() {
            recorder.record(name, microseconds: latencies)
            latencies.removeAll(keepingCapacity: true)
        }
    }
}
