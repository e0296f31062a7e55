/// `lectern.v1.SetConsultantRoleRequest`.
public struct SetConsultantRoleRequest: ProtoMessage {
    public var consultantID: Int64 = 0
    public var role = ConsultantRole.unspecified

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(consultantID, field: 1)
        writer.writeEnum(role, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: consultantID = try reader.readInt64(tag)
        case 2: role = try reader.readEnum(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.SetConsultantRoleRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "consultant_id", .int64),
        .init(2, "role", .enumeration(ConsultantRole.self)),
    ]
}

/// `lectern.v1.SetConsultantRoleResponse`.
public struct SetConsultantRoleResponse: ProtoMessage {
    public var consultant: Consultant?

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeMessage(consultant, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: consultant = try reader.readMessage(tag, merging: consultant)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.SetConsultantRoleResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "consultant", .message(Consultant.self)),
    ]
}
