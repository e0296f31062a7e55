/// `lectern.v1.ServiceKey`: a gateway's long-lived key (never its secret).
public struct ServiceKey: ProtoMessage {
    public var id: Int64 = 0
    public var name = ""
    public var createdAtMs: Int64 = 0
    /// 0 while the key is valid.
    public var revokedAtMs: Int64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(id, field: 1)
        writer.writeString(name, field: 2)
        writer.writeInt64(createdAtMs, field: 3)
        writer.writeInt64(revokedAtMs, field: 4)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: id = try reader.readInt64(tag)
        case 2: name = try reader.readString(tag)
        case 3: createdAtMs = try reader.readInt64(tag)
        case 4: revokedAtMs = try reader.readInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ServiceKey"
    public static let protoFields: [ProtoField] = [
        .init(1, "id", .int64),
        .init(2, "name", .string),
        .init(3, "created_at_ms", .int64),
        .init(4, "revoked_at_ms", .int64),
    ]
}
