/// `lectern.v1.GoAway`: the payload of a GOAWAY frame.
public struct GoAway: ProtoMessage {
    /// Highest call id the sender will still complete.
    public var lastCallID: UInt32 = 0
    /// gRPC status code; 0 for a graceful drain.
    public var statusCode: UInt32 = 0
    public var message = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt32(lastCallID, field: 1)
        writer.writeUInt32(statusCode, field: 2)
        writer.writeString(message, field: 3)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: lastCallID = try reader.readUInt32(tag)
        case 2: statusCode = try reader.readUInt32(tag)
        case 3: message = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.GoAway"
    public static let protoFields: [ProtoField] = [
        .init(1, "last_call_id", .uint32),
        .init(2, "status_code", .uint32),
        .init(3, "message", .string),
    ]
}
