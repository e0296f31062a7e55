/// `lectern.v1.MarkMessagesReadRequest`.
public struct MarkMessagesReadRequest: ProtoMessage {
    public var messageIDs: [Int64] = []
    /// Also marks every message up to and including this id, when not 0.
    public var upToMessageID: Int64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeRepeatedInt64(messageIDs, field: 1)
        writer.writeInt64(upToMessageID, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: try reader.readRepeatedInt64(tag, into: &messageIDs)
        case 2: upToMessageID = try reader.readInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.MarkMessagesReadRequest"
    public static let protoFields: [ProtoField] = [
        .repeated(1, "message_ids", .int64),
        .init(2, "up_to_message_id", .int64),
    ]
}

/// `lectern.v1.MarkMessagesReadResponse`.
public struct MarkMessagesReadResponse: ProtoMessage {
    public var marked: UInt32 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt32(marked, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: marked = try reader.readUInt32(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.MarkMessagesReadResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "marked", .uint32),
    ]
}
