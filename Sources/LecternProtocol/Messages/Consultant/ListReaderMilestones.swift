/// `lectern.v1.ListReaderMilestonesRequest`.
public struct ListReaderMilestonesRequest: ProtoMessage {
    public var readerID: Int64 = 0
    public var pageSize: UInt32 = 0
    public var pageToken = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(readerID, field: 1)
        writer.writeUInt32(pageSize, field: 2)
        writer.writeString(pageToken, field: 3)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: readerID = try reader.readInt64(tag)
        case 2: pageSize = try reader.readUInt32(tag)
        case 3: pageToken = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ListReaderMilestonesRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "reader_id", .int64),
        .init(2, "page_size", .uint32),
        .init(3, "page_token", .string),
    ]
}

/// `lectern.v1.ListReaderMilestonesResponse`.
public struct ListReaderMilestonesResponse: ProtoMessage {
    public var milestones: [Milestone] = []
    public var nextPageToken = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeRepeatedMessage(milestones, field: 1)
        writer.writeString(nextPageToken, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: milestones.append(try reader.readMessage(tag, merging: nil))
        case 2: nextPageToken = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ListReaderMilestonesResponse"
    public static let protoFields: [ProtoField] = [
        .repeated(1, "milestones", .message(Milestone.self)),
        .init(2, "next_page_token", .string),
    ]
}
