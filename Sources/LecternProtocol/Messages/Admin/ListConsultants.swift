/// `lectern.v1.ListConsultantsRequest`.
public struct ListConsultantsRequest: ProtoMessage {
    /// 1 to 1,000; 0 means 100.
    public var pageSize: UInt32 = 0
    public var pageToken = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt32(pageSize, field: 1)
        writer.writeString(pageToken, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: pageSize = try reader.readUInt32(tag)
        case 2: pageToken = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ListConsultantsRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "page_size", .uint32),
        .init(2, "page_token", .string),
    ]
}

/// `lectern.v1.ListConsultantsResponse`: in ascending id order.
public struct ListConsultantsResponse: ProtoMessage {
    public var consultants: [Consultant] = []
    public var nextPageToken = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeRepeatedMessage(consultants, field: 1)
        writer.writeString(nextPageToken, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: consultants.append(try reader.readMessage(tag, merging: nil))
        case 2: nextPageToken = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ListConsultantsResponse"
    public static let protoFields: [ProtoField] = [
        .repeated(1, "consultants", .message(Consultant.self)),
        .init(2, "next_page_token", .string),
    ]
}
