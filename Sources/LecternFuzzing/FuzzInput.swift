import LecternProtocol
import NIOCore

/// What the fuzzer checks for one input. The first byte chooses the decoder: 0 the frame
/// decoder (with the control message of each frame), 1 to `LecternV1.messageTypes.count`
/// one message type; the rest is the bytes to decode.
///
/// Anything may be rejected with an error; nothing may crash, and whatever decodes must
/// come back the same after encoding and decoding again (compared as bytes).
public enum FuzzInput {
    public enum Failure: Error, CustomStringConvertible {
        case roundTrip(String)
        public var description: String {
            switch self {
            case .roundTrip(let what): "a decoded value did not survive encode and decode: \(what)"
            }
        }
    }

    /// Makes every lazily made static the checks use, once.
    public static func warmUp() {
        for type in LecternV1.messageTypes { _ = type.protoFields }
        for type in LecternV1.enumTypes { _ = type.protoValues }
        for selector in 0...UInt8(LecternV1.messageTypes.count) {
            for body in [[UInt8](), [0x08, 0x01], [0xFF, 0xFF]] {
                try? ([selector] + body).withUnsafeBytes { try check($0) }
            }
        }
    }

    public static func check(_ data: UnsafeRawBufferPointer) throws(Failure) {
        guard let selector = data.first else { return }
        let body = UnsafeRawBufferPointer(rebasing: data.dropFirst())
        if selector == 0 {
            try frames(body)
        } else {
            let types = LecternV1.messageTypes
            let type = types[(Int(selector) - 1) % types.count]
            try roundTrip(type, Array(body))
        }
    }

    /// Every frame the bytes hold, as lecternd reads them with a 64 KiB limit; each frame's
    /// control payload decoded as the server would; each frame written again must be the
    /// bytes it was read from.
    static func frames(_ bytes: UnsafeRawBufferPointer) throws(Failure) {
        var buffer = ByteBuffer(bytes: bytes)
        while true {
            let start = buffer.readerIndex
            // get* reads only readable bytes: keep a view of them from before the frame.
            let before = buffer
            let decoded: Frame?
            do {
                decoded = try FrameDecoder.decodeFrame(from: &buffer, maxPayloadBytes: 64 * 1024)
            } catch {
                return
            }
            guard let frame = decoded else { return }
            let original = before.getSlice(at: start, length: buffer.readerIndex - start)
            var written = ByteBuffer()
            FrameEncoder.encode(frame, into: &written)
            guard written == original else { throw .roundTrip("frame at offset \(start)") }
            let payload = Array(frame.payload.readableBytesView)
            switch frame.kind {
            case .callStart: try roundTrip(CallStart.self, payload)
            case .callEnd: try roundTrip(CallEnd.self, payload)
            case .cancel: try roundTrip(Cancel.self, payload)
            case .goAway: try roundTrip(GoAway.self, payload)
            case .ping, .pong: try roundTrip(Ping.self, payload)
            default: break
            }
        }
    }

    private static func roundTrip<M: ProtoMessage>(_ type: M.Type, _ bytes: [UInt8]) throws(Failure) {
        guard let value = try? M(serializedBytes: bytes) else { return }
        let again = value.serializedBytes()
        // Compared as bytes, not with ==: a double may be a NaN, which is not equal to itself.
        guard let decodedAgain = try? M(serializedBytes: again) else { throw .roundTrip("\(M.protoName) (does not decode)") }
        guard decodedAgain.serializedBytes() == again else { throw .roundTrip("\(M.protoName) (canonical bytes)") }
    }

    /// A seed corpus: for each message type, its empty message and any golden fixture whose
    /// file name is the type's name in snake case (`call_start.bin` for CallStart); for the
    /// frame decoder, a call's frames and each connection frame.
    public static func seeds(fixtures: [String: [UInt8]]) -> [(name: String, bytes: [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        for (index, type) in LecternV1.messageTypes.enumerated() {
            let selector = UInt8(index + 1)
            let name = String(describing: type)
            seeds.append(("message-\(name)-empty", [selector]))
            let snake = name.reduce(into: "") { out, c in
                if c.isUppercase, !out.isEmpty { out += "_" }
                out += c.lowercased()
            }
            for (file, bytes) in fixtures.sorted(by: { $0.key < $1.key }) where file == snake || file.hasPrefix(snake + "_") {
                seeds.append(("message-\(name)-\(file)", [selector] + bytes))
            }
        }
        var call = ByteBuffer()
        FrameEncoder.encode(Frame(kind: .callStart, callID: 1, message: CallStart.with {
            $0.method = "/lectern.v1.ReaderService/AppendEvents"
            $0.metadata = ["authorization": "Bearer token", "x-request-id": "seed"]
            $0.timeoutMs = 5_000
        }), into: &call)
        FrameEncoder.encode(Frame(kind: .message, flags: .endStream, callID: 1, message: AppendEventsRequest.with {
            $0.events = [EventInput.with { $0.clientSessionID = "s"; $0.sequence = 1; $0.type = "page_view"; $0.progress = 0.5 }]
        }), into: &call)
        FrameEncoder.encode(Frame(kind: .callEnd, callID: 1, message: CallEnd.with {
            $0.statusCode = 3
            $0.statusMessage = "events[0].type: not an event type"
            $0.details = ErrorDetails.with { $0.fieldViolations = [FieldViolation.with { $0.field = "events[0].type" }] }
        }), into: &call)
        seeds.append(("frames-call", [0] + Array(call.readableBytesView)))
        for (name, frame) in [
            ("ping", Frame(kind: .ping, callID: 0, message: Ping.with { $0.opaqueData = 42 })),
            ("goaway", Frame(kind: .goAway, callID: 0, message: GoAway.with { $0.lastCallID = 7; $0.statusCode = 8; $0.message = "limit" })),
            ("cancel", Frame(kind: .cancel, callID: 3, message: Cancel.with { $0.reason = "bye" })),
            ("half-close", Frame(kind: .halfClose, flags: .endStream, callID: 3, payload: ByteBuffer())),
        ] {
            var buffer = ByteBuffer()
            FrameEncoder.encode(frame, into: &buffer)
            seeds.append(("frames-\(name)", [0] + Array(buffer.readableBytesView)))
        }
        return seeds
    }
}
