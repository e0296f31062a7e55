/// `lectern.v1.WatchRequest`: ConsultantService.Watch's request.
public struct WatchRequest: ProtoMessage {
    /// The cursor of the last update received; empty to start live.
    public var cursor = ""
    public var readerIDs: [Int64] = []
    public var kinds: [ActivityKind] = []

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(cursor, field: 1)
        writer.writeRepeatedInt64(readerIDs, field: 2)
        writer.writeRepeatedEnum(kinds, field: 3)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: cursor = try reader.readString(tag)
        case 2: try reader.readRepeatedInt64(tag, into: &readerIDs)
        case 3: try reader.readRepeatedEnum(tag, into: &kinds)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.WatchRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "cursor", .string),
        .repeated(2, "reader_ids", .int64),
        .repeated(3, "kinds", .enumeration(ActivityKind.self)),
    ]
}

/// `lectern.v1.CaughtUp`: the replay is done and the stream is live.
public struct CaughtUp: EmptyProtoMessage {
    public init() {}
    public static let protoName = "lectern.v1.CaughtUp"
}

/// `lectern.v1.ActivityUpdate`: one item of a Watch stream.
public struct ActivityUpdate: ProtoMessage {
    /// The `update` oneof.
    public enum Update: Hashable, Sendable {
        case event(Event)
        case presence(PresenceChange)
        case milestone(Milestone)
        case message(ChatMessage)
        case caughtUp(CaughtUp)
    }

    /// Resume from here.
    public var cursor = ""
    public var committedAtMs: Int64 = 0
    public var update: Update?

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(cursor, field: 1)
        writer.writeInt64(committedAtMs, field: 2)
        switch update {
        case .event(let event): writer.writeMessage(event, field: 3)
        case .presence(let presence): writer.writeMessage(presence, field: 4)
        case .milestone(let milestone): writer.writeMessage(milestone, field: 5)
        case .message(let message): writer.writeMessage(message, field: 6)
        case .caughtUp(let caughtUp): writer.writeMessage(caughtUp, field: 7)
        case nil: break
        }
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: cursor = try reader.readString(tag)
        case 2: committedAtMs = try reader.readInt64(tag)
        case 3:
            guard case .event(let existing) = update else { update = .event(try reader.readMessage(tag, merging: nil)); return }
            update = .event(try reader.readMessage(tag, merging: existing))
        case 4:
            guard case .presence(let existing) = update else { update = .presence(try reader.readMessage(tag, merging: nil)); return }
            update = .presence(try reader.readMessage(tag, merging: existing))
        case 5:
            guard case .milestone(let existing) = update else { update = .milestone(try reader.readMessage(tag, merging: nil)); return }
            update = .milestone(try reader.readMessage(tag, merging: existing))
        case 6:
            guard case .message(let existing) = update else { update = .message(try reader.readMessage(tag, merging: nil)); return }
            update = .message(try reader.readMessage(tag, merging: existing))
        case 7:
            guard case .caughtUp(let existing) = update else { update = .caughtUp(try reader.readMessage(tag, merging: nil)); return }
            update = .caughtUp(try reader.readMessage(tag, merging: existing))
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ActivityUpdate"
    public static let protoFields: [ProtoField] = [
        .init(1, "cursor", .string),
        .init(2, "committed_at_ms", .int64),
        .oneof("update", 3, "event", .message(Event.self)),
        .oneof("update", 4, "presence", .message(PresenceChange.self)),
        .oneof("update", 5, "milestone", .message(Milestone.self)),
        .oneof("update", 6, "message", .message(ChatMessage.self)),
        .oneof("update", 7, "caught_up", .message(CaughtUp.self)),
    ]
}
