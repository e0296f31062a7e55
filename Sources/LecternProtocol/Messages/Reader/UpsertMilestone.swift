/// `lectern.v1.UpsertMilestoneRequest`.
public struct UpsertMilestoneRequest: ProtoMessage {
    public var contentID = ""
    public var status = MilestoneStatus.unspecified
    public var score: Float = 0
    /// Replaces the stored attributes when not empty.
    public var attributes: [String: String] = [:]

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(contentID, field: 1)
        writer.writeEnum(status, field: 2)
        writer.writeFloat(score, field: 3)
        writer.writeStringMap(attributes, field: 4)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: contentID = try reader.readString(tag)
        case 2: status = try reader.readEnum(tag)
        case 3: score = try reader.readFloat(tag)
        case 4: try reader.readStringMapEntry(tag, into: &attributes)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.UpsertMilestoneRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "content_id", .string),
        .init(2, "status", .enumeration(MilestoneStatus.self)),
        .init(3, "score", .float),
        .map(4, "attributes", .string, .string),
    ]
}

/// `lectern.v1.UpsertMilestoneResponse`.
public struct UpsertMilestoneResponse: ProtoMessage {
    public var milestone: Milestone?
    public var created = false

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeMessage(milestone, field: 1)
        writer.writeBool(created, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: milestone = try reader.readMessage(tag, merging: milestone)
        case 2: created = try reader.readBool(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.UpsertMilestoneResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "milestone", .message(Milestone.self)),
        .init(2, "created", .bool),
    ]
}
