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
    /// `name` until the returned channel is closed.
    static func start(socketPath: String, token: String, name: String, recorder: Recorder) async throws -> any Channel {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(Decoder(name: name, recorder: recorder)))
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

    /// Reads frames in place: MESSAGE frames' commit times, CALL_END's status; answers PING.
    private struct Decoder: ByteToMessageDecoder {
        typealias InboundOut = Never

        let name: String
        let recorder: Recorder
        /// Recorded 64 at a time, or what 10 ms brought, and the rest when the channel closes.
        var latencies: [UInt64] = []
        var firstUs: UInt64 = 0

        init(name: String, recorder: Recorder) {
            self.name = name
            self.recorder = recorder
            latencies.reserveCapacity(64)
        }

        mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
            let start = buffer.readerIndex
            guard buffer.readableBytes >= Frame.headerSize,
                  let length = buffer.getInteger(at: start, as: UInt32.self).map(Int.init),
                  let kind = buffer.getInteger(at: start + 4, as: UInt8.self),
                  buffer.readableBytes >= Frame.headerSize + length
            else { return .needMoreData }
            defer { buffer.moveReaderIndex(forwardBy: Frame.headerSize + length) }
            switch FrameKind(rawValue: kind) {
            case .message:
                let update = try buffer.withUnsafeReadableBytes { bytes in
                    try ActivityTiming(decoding: UnsafeRawBufferPointer(rebasing: bytes[Frame.headerSize..<(Frame.headerSize + length)]))
                }
                guard update.isEvent else { break }
                let nowUs = UInt64(Date().timeIntervalSince1970 * 1_000_000)
                if latencies.isEmpty { firstUs = nowUs }
                latencies.append(nowUs &- UInt64(update.committedAtMs) * 1000)
                if latencies.count == 64 || nowUs &- firstUs >= 10_000 { flush() }
            case .callEnd:
                let end = try buffer.withUnsafeReadableBytes { bytes in
                    try CallEnd(decoding: UnsafeRawBufferPointer(rebasing: bytes[Frame.headerSize..<(Frame.headerSize + length)]))
                }
                if end.statusCode != 0 { recorder.fail(Workloads.name(Workloads.watch), RPCStatusCode(rawValue: end.statusCode)) }
            case .ping:
                let payload = buffer.getSlice(at: start + Frame.headerSize, length: length) ?? ByteBuffer()
                context.writeAndFlush(NIOAny(encoded(Frame(kind: .pong, callID: 0, payload: payload))), promise: nil)
            default:
                break
            }
            return .continue
        }

        mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
            while try decode(context: context, buffer: &buffer) == .continue {}
            return .needMoreData
        }

        mutating func decoderRemoved(context: ChannelHandlerContext) {
            flush()
        }

        private mutating func flush() {
            recorder.record(name, microseconds: latencies)
            latencies.removeAll(keepingCapacity: true)
        }

        private func encoded(_ frame: Frame) -> ByteBuffer {
            var out = ByteBuffer()
            FrameEncoder.encode(frame, into: &out)
            return out
        }
    }
}
