/// `lectern.v1.CreateConsultantRequest`.
public struct CreateConsultantRequest: ProtoMessage {
    public var email = ""
    public var password = ""
    public var displayName = ""
    public var role = ConsultantRole.unspecified

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(email, field: 1)
        writer.writeString(password, field: 2)
        writer.writeString(displayName, field: 3)
        writer.writeEnum(role, field: 4)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: email = try reader.readString(tag)
        case 2: password = try reader.readString(tag)
        case 3: displayName = try reader.readString(tag)
        case 4: role = try reader.readEnum(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.CreateConsultantRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "email", .string),
        .init(2, "password", .string),
        .init(3, "display_name", .string),
        .init(4, "role", .enumeration(ConsultantRole.self)),
    ]
}

/// `lectern.v1.CreateConsultantResponse`.
public struct CreateConsultantResponse: ProtoMessage {
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

    public static let protoName = "lectern.v1.CreateConsultantResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "consultant", .message(Consultant.self)),
    ]
}
