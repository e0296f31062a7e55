/// `lectern.v1.HeartbeatRequest`: ReaderService.Heartbeat's request.
public struct HeartbeatRequest: ProtoMessage {
    public var clientSessionID = ""
    public var contentID = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(clientSessionID, field: 1)
        writer.writeString(contentID, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: clientSessionID = try reader.readString(tag)
        case 2: contentID = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.HeartbeatRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "client_session_id", .string),
        .init(2, "content_id", .string),
    ]
}

/// `lectern.v1.HeartbeatResponse`.
public struct HeartbeatResponse: ProtoMessage {
    public var serverTimeMs: Int64 = 0
    public var presenceWindowMs: UInt32 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(serverTimeMs, field: 1)
        writer.writeUInt32(presenceWindowMs, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: serverTimeMs = try reader.readInt64(tag)
        case 2: presenceWindowMs = try reader.readUInt32(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.HeartbeatResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "server_time_ms", .int64),
        .init(2, "presence_window_ms", .uint32),
    ]
}
