/// `lectern.v1.Milestone`: a reader's milestone in a piece of content.
public struct Milestone: ProtoMessage {
    public var readerID: Int64 = 0
    public var contentID = ""
    public var status = MilestoneStatus.unspecified
    public var score: Float = 0
    public var startedAtMs: Int64 = 0
    public var updatedAtMs: Int64 = 0
    /// 0 until completed.
    public var completedAtMs: Int64 = 0
    public var attributes: [String: String] = [:]

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(readerID, field: 1)
        writer.writeString(contentID, field: 2)
        writer.writeEnum(status, field: 3)
        writer.writeFloat(score, field: 4)
        writer.writeInt64(startedAtMs, field: 5)
        writer.writeInt64(updatedAtMs, field: 6)
        writer.writeInt64(completedAtMs, field: 7)
        writer.writeStringMap(attributes, field: 8)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: readerID = try reader.readInt64(tag)
        case 2: contentID = try reader.readString(tag)
        case 3: status = try reader.readEnum(tag)
        case 4: score = try reader.readFloat(tag)
        case 5: startedAtMs = try reader.readInt64(tag)
        case 6: updatedAtMs = try reader.readInt64(tag)
        case 7: completedAtMs = try reader.readInt64(tag)
        case 8: try reader.readStringMapEntry(tag, into: &attributes)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.Milestone"
    public static let protoFields: [ProtoField] = [
        .init(1, "reader_id", .int64),
        .init(2, "content_id", .string),
        .init(3, "status", .enumeration(MilestoneStatus.self)),
        .init(4, "score", .float),
        .init(5, "started_at_ms", .int64),
        .init(6, "updated_at_ms", .int64),
        .init(7, "completed_at_ms", .int64),
        .map(8, "attributes", .string, .string),
    ]
}
