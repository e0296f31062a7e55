/// `lectern.v1.PresenceChange`: a reader came online or went offline.
public struct PresenceChange: ProtoMessage {
    public var readerID: Int64 = 0
    public var online = false
    public var atMs: Int64 = 0
    public var contentID = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(readerID, field: 1)
        writer.writeBool(online, field: 2)
        writer.writeInt64(atMs, field: 3)
        writer.writeString(contentID, field: 4)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: readerID = try reader.readInt64(tag)
        case 2: online = try reader.readBool(tag)
        case 3: atMs = try reader.readInt64(tag)
        case 4: contentID = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.PresenceChange"
    public static let protoFields: [ProtoField] = [
        .init(1, "reader_id", .int64),
        .init(2, "online", .bool),
        .init(3, "at_ms", .int64),
        .init(4, "content_id", .string),
    ]
}
