/// `lectern.v1.CallStart`: the payload of a CALL_START frame.
public struct CallStart: ProtoMessage {
    /// "/<package>.<Service>/<Method>".
    public var method = ""
    public var metadata: [String: String] = [:]
    /// 0 means no deadline.
    public var timeoutMs: UInt64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(method, field: 1)
        writer.writeStringMap(metadata, field: 2)
        writer.writeUInt64(timeoutMs, field: 3)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: method = try reader.readString(tag)
        case 2: try reader.readStringMapEntry(tag, into: &metadata)
        case 3: timeoutMs = try reader.readUInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.CallStart"
    public static let protoFields: [ProtoField] = [
        .init(1, "method", .string),
        .map(2, "metadata", .string, .string),
        .init(3, "timeout_ms", .uint64),
    ]
}
