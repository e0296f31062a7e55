/// `lectern.v1.SuspendConsultantRequest`.
public struct SuspendConsultantRequest: ProtoMessage {
    public var consultantID: Int64 = 0
    /// false reinstates the consultant.
    public var suspended = false
    public var reason = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(consultantID, field: 1)
        writer.writeBool(suspended, field: 2)
        writer.writeString(reason, field: 3)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: consultantID = try reader.readInt64(tag)
        case 2: suspended = try reader.readBool(tag)
        case 3: reason = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.SuspendConsultantRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "consultant_id", .int64),
        .init(2, "suspended", .bool),
        .init(3, "reason", .string),
    ]
}

/// `lectern.v1.SuspendConsultantResponse`.
public struct SuspendConsultantResponse: ProtoMessage {
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

    public static let protoName = "lectern.v1.SuspendConsultantResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "consultant", .message(Consultant.self)),
    ]
}
