/// `lectern.v1.AuditEntry`: one audited action.
public struct AuditEntry: ProtoMessage {
    public var id: Int64 = 0
    public var atMs: Int64 = 0
    public var actorKind = ActorKind.unspecified
    /// Consultant or service key id; the peer's uid for the socket owner.
    public var actorID: Int64 = 0
    /// The RPC, such as "ConsultantService.ListReaderEvents".
    public var action = ""
    public var readerID: Int64 = 0
    public var peerPID: Int32 = 0
    public var peerUID: UInt32 = 0
    public var detail = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(id, field: 1)
        writer.writeInt64(atMs, field: 2)
        writer.writeEnum(actorKind, field: 3)
        writer.writeInt64(actorID, field: 4)
        writer.writeString(action, field: 5)
        writer.writeInt64(readerID, field: 6)
        writer.writeInt32(peerPID, field: 7)
        writer.writeUInt32(peerUID, field: 8)
        writer.writeString(detail, field: 9)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: id = try reader.readInt64(tag)
        case 2: atMs = try reader.readInt64(tag)
        case 3: actorKind = try reader.readEnum(tag)
        case 4: actorID = try reader.readInt64(tag)
        case 5: action = try reader.readString(tag)
        case 6: readerID = try reader.readInt64(tag)
        case 7: peerPID = try reader.readInt32(tag)
        case 8: peerUID = try reader.readUInt32(tag)
        case 9: detail = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.AuditEntry"
    public static let protoFields: [ProtoField] = [
        .init(1, "id", .int64),
        .init(2, "at_ms", .int64),
        .init(3, "actor_kind", .enumeration(ActorKind.self)),
        .init(4, "actor_id", .int64),
        .init(5, "action", .string),
        .init(6, "reader_id", .int64),
        .init(7, "peer_pid", .int32),
        .init(8, "peer_uid", .uint32),
        .init(9, "detail", .string),
    ]
}

/// `lectern.v1.ListAuditLogRequest`.
public struct ListAuditLogRequest: ProtoMessage {
    public var pageSize: UInt32 = 0
    public var pageToken = ""
    public var consultantID: Int64 = 0
    public var readerID: Int64 = 0
    public var action = ""
    public var sinceMs: Int64 = 0
    public var untilMs: Int64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt32(pageSize, field: 1)
        writer.writeString(pageToken, field: 2)
        writer.writeInt64(consultantID, field: 3)
        writer.writeInt64(readerID, field: 4)
        writer.writeString(action, field: 5)
        writer.writeInt64(sinceMs, field: 6)
        writer.writeInt64(untilMs, field: 7)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: pageSize = try reader.readUInt32(tag)
        case 2: pageToken = try reader.readString(tag)
        case 3: consultantID = try reader.readInt64(tag)
        case 4: readerID = try reader.readInt64(tag)
        case 5: action = try reader.readString(tag)
        case 6: sinceMs = try reader.readInt64(tag)
        case 7: untilMs = try reader.readInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ListAuditLogRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "page_size", .uint32),
        .init(2, "page_token", .string),
        .init(3, "consultant_id", .int64),
        .init(4, "reader_id", .int64),
        .init(5, "action", .string),
        .init(6, "since_ms", .int64),
        .init(7, "until_ms", .int64),
    ]
}

/// `lectern.v1.ListAuditLogResponse`: newest first.
public struct ListAuditLogResponse: ProtoMessage {
    public var entries: [AuditEntry] = []
    public var nextPageToken = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeRepeatedMessage(entries, field: 1)
        writer.writeString(nextPageToken, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: entries.append(try reader.readMessage(tag, merging: nil))
        case 2: nextPageToken = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ListAuditLogResponse"
    public static let protoFields: [ProtoField] = [
        .repeated(1, "entries", .message(AuditEntry.self)),
        .init(2, "next_page_token", .string),
    ]
}
