import NIOCore

/// One frame of the Lectern RPC protocol: a 10-byte header, then `length` bytes of payload.
///
/// ```
/// offset  size  field
/// 0       4     payload length, unsigned big-endian (at most the receiver's limit)
/// 4       1     kind (FrameKind)
/// 5       1     flags (FrameFlags)
/// 6       4     call id, unsigned big-endian (0 for connection frames: PING, PONG, GOAWAY)
/// 10      …     payload: a protobuf message (see Protos/README.md)
/// ```
public struct Frame: Sendable, Equatable {
    public static let headerSize = 10

    public var kind: FrameKind
    public var flags: FrameFlags
    public var callID: UInt32
    public var payload: ByteBuffer

    public init(kind: FrameKind, flags: FrameFlags = [], callID: UInt32, payload: ByteBuffer = ByteBuffer()) {
        self.kind = kind
        self.flags = flags
        self.callID = callID
        self.payload = payload
    }

    /// A frame whose payload is `message` encoded.
    public init<M: ProtoMessage>(kind: FrameKind, flags: FrameFlags = [], callID: UInt32, message: M) {
        self.init(kind: kind, flags: flags, callID: callID, payload: ByteBuffer(bytes: message.serializedBytes()))
    }

    /// The payload decoded as `M`.
    public func decode<M: ProtoMessage>(_ type: M.Type = M.self) throws(WireError) -> M {
        let decoded = payload.withUnsafeReadableBytes { bytes in
            Result { () throws(WireError) in try M(decoding: bytes) }
        }
        return try decoded.get()
    }
}

/// What a frame is. A raw-value struct: a kind this build does not know still decodes,
/// and the connection answers it with GOAWAY.
public struct FrameKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Client → server: opens call `callID`; payload `CallStart`.
    public static let callStart = FrameKind(rawValue: 1)
    /// Either way: one request or response message of the call.
    public static let message = FrameKind(rawValue: 2)
    /// Client → server: no more request messages; empty payload.
    public static let halfClose = FrameKind(rawValue: 3)
    /// Server → client: the call's final status; payload `CallEnd`.
    public static let callEnd = FrameKind(rawValue: 4)
    /// Client → server: abandon the call; payload `Cancel`.
    public static let cancel = FrameKind(rawValue: 5)
    /// Either way, call id 0: payload `Ping`, answered by PONG with the same payload.
    public static let ping = FrameKind(rawValue: 6)
    public static let pong = FrameKind(rawValue: 7)
    /// Either way, call id 0: no new calls; payload `GoAway`.
    public static let goAway = FrameKind(rawValue: 8)

    public var description: String {
        switch self {
        case .callStart: "CALL_START"
        case .message: "MESSAGE"
        case .halfClose: "HALF_CLOSE"
        case .callEnd: "CALL_END"
        case .cancel: "CANCEL"
        case .ping: "PING"
        case .pong: "PONG"
        case .goAway: "GOAWAY"
        default: "kind \(rawValue)"
        }
    }
}

/// Frame flags.
public struct FrameFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// On a client's MESSAGE: the last request message (the same as a HALF_CLOSE after it).
    /// On a CALL_START: the call sends no request message. Other bits are reserved: sent
    /// as 0, ignored when read.
    public static let endStream = FrameFlags(rawValue: 1)
}
