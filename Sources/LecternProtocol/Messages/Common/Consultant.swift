/// `lectern.v1.Consultant`: a consultant's account.
public struct Consultant: ProtoMessage {
    public var id: Int64 = 0
    public var email = ""
    public var displayName = ""
    public var role = ConsultantRole.unspecified
    public var createdAtMs: Int64 = 0
    /// Suspended by an admin: no call, no login.
    public var suspended = false

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(id, field: 1)
        writer.writeString(email, field: 2)
        writer.writeString(displayName, field: 3)
        writer.writeEnum(role, field: 4)
        writer.writeInt64(createdAtMs, field: 5)
        writer.writeBool(suspended, field: 6)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: id = try reader.readInt64(tag)
        case 2: email = try reader.readString(tag)
        case 3: displayName = try reader.readString(tag)
        case 4: role = try reader.readEnum(tag)
        case 5: createdAtMs = try reader.readInt64(tag)
        case 6: suspended = try reader.readBool(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.Consultant"
    public static let protoFields: [ProtoField] = [
        .init(1, "id", .int64),
        .init(2, "email", .string),
        .init(3, "display_name", .string),
        .init(4, "role", .enumeration(ConsultantRole.self)),
        .init(5, "created_at_ms", .int64),
        .init(6, "suspended", .bool),
    ]
}
