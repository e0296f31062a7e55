/// `lectern.v1.ArchiveEventsRequest`.
public struct ArchiveEventsRequest: ProtoMessage {
    /// Events received before this time move.
    public var beforeMs: Int64 = 0
    public var archivePath = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(beforeMs, field: 1)
        writer.writeString(archivePath, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: beforeMs = try reader.readInt64(tag)
        case 2: archivePath = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ArchiveEventsRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "before_ms", .int64),
        .init(2, "archive_path", .string),
    ]
}

/// `lectern.v1.ArchiveEventsResponse`.
public struct ArchiveEventsResponse: ProtoMessage {
    public var eventsArchived: UInt64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt64(eventsArchived, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: eventsArchived = try reader.readUInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ArchiveEventsResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "events_archived", .uint64),
    ]
}
