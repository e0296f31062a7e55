/// `lectern.v1.AppendEventsRequest`: a batch of 1 to 1,000 events.
public struct AppendEventsRequest: ProtoMessage {
    public var events: [EventInput] = []

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeRepeatedMessage(events, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: events.append(try reader.readMessage(tag, merging: nil))
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.AppendEventsRequest"
    public static let protoFields: [ProtoField] = [
        .repeated(1, "events", .message(EventInput.self)),
    ]
}

/// `lectern.v1.EventResult`: the outcome for one event of a batch.
public struct EventResult: ProtoMessage {
    public var eventID: Int64 = 0
    /// Stored before; `eventID` is the stored event's.
    public var duplicate = false

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(eventID, field: 1)
        writer.writeBool(duplicate, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: eventID = try reader.readInt64(tag)
        case 2: duplicate = try reader.readBool(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.EventResult"
    public static let protoFields: [ProtoField] = [
        .init(1, "event_id", .int64),
        .init(2, "duplicate", .bool),
    ]
}

/// `lectern.v1.AppendEventsResponse`: one result per event, in request order.
public struct AppendEventsResponse: ProtoMessage {
    public var results: [EventResult] = []

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeRepeatedMessage(results, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: results.append(try reader.readMessage(tag, merging: nil))
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.AppendEventsResponse"
    public static let protoFields: [ProtoField] = [
        .repeated(1, "results", .message(EventResult.self)),
    ]
}

/// `lectern.v1.ImportEventsResponse`: what an ImportEvents stream stored.
public struct ImportEventsResponse: ProtoMessage {
    public var batches: UInt64 = 0
    public var stored: UInt64 = 0
    public var duplicates: UInt64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt64(batches, field: 1)
        writer.writeUInt64(stored, field: 2)
        writer.writeUInt64(duplicates, field: 3)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: batches = try reader.readUInt64(tag)
        case 2: stored = try reader.readUInt64(tag)
        case 3: duplicates = try reader.readUInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ImportEventsResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "batches", .uint64),
        .init(2, "stored", .uint64),
        .init(3, "duplicates", .uint64),
    ]
}
