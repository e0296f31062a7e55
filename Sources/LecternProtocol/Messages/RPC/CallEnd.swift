/// `lectern.v1.CallEnd`: the payload of a CALL_END frame, a call's final status.
public struct CallEnd: ProtoMessage {
    /// gRPC's status code numbering; 0 is OK.
    public var statusCode: UInt32 = 0
    public var statusMessage = ""
    public var details: ErrorDetails?
    public var trailers: [String: String] = [:]

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt32(statusCode, field: 1)
        writer.writeString(statusMessage, field: 2)
        writer.writeMessage(details, field: 3)
        writer.writeStringMap(trailers, field: 4)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: statusCode = try reader.readUInt32(tag)
        case 2: statusMessage = try reader.readString(tag)
        case 3: details = try reader.readMessage(tag, merging: details)
        case 4: try reader.readStringMapEntry(tag, into: &trailers)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.CallEnd"
    public static let protoFields: [ProtoField] = [
        .init(1, "status_code", .uint32),
        .init(2, "status_message", .string),
        .init(3, "details", .message(ErrorDetails.self)),
        .map(4, "trailers", .string, .string),
    ]
}
