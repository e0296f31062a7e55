/// `lectern.v1.LatencySummary`: a distribution in microseconds.
public struct LatencySummary: ProtoMessage {
    public var count: UInt64 = 0
    public var p50Us: Double = 0
    public var p99Us: Double = 0
    public var maxUs: Double = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt64(count, field: 1)
        writer.writeDouble(p50Us, field: 2)
        writer.writeDouble(p99Us, field: 3)
        writer.writeDouble(maxUs, field: 4)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: count = try reader.readUInt64(tag)
        case 2: p50Us = try reader.readDouble(tag)
        case 3: p99Us = try reader.readDouble(tag)
        case 4: maxUs = try reader.readDouble(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.LatencySummary"
    public static let protoFields: [ProtoField] = [
        .init(1, "count", .uint64),
        .init(2, "p50_us", .double),
        .init(3, "p99_us", .double),
        .init(4, "max_us", .double),
    ]
}

/// `lectern.v1.StatsRequest`.
public struct StatsRequest: EmptyProtoMessage {
    public init() {}
    public static let protoName = "lectern.v1.StatsRequest"
}

/// `lectern.v1.StatsResponse`: the database and the server, now.
public struct StatsResponse: ProtoMessage {
    public var pageSize: UInt64 = 0
    public var pageCount: UInt64 = 0
    public var freelistCount: UInt64 = 0
    public var walBytes: UInt64 = 0
    public var writeQueueDepth: UInt32 = 0
    public var commit: LatencySummary?
    public var batchSize: LatencySummary?
    public var openConnections: UInt32 = 0
    public var activeCalls: UInt32 = 0
    public var onlineReaders: UInt32 = 0
    /// Row counts by table.
    public var rows: [String: UInt64] = [:]
    public var startedAtMs: Int64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt64(pageSize, field: 1)
        writer.writeUInt64(pageCount, field: 2)
        writer.writeUInt64(freelistCount, field: 3)
        writer.writeUInt64(walBytes, field: 4)
        writer.writeUInt32(writeQueueDepth, field: 5)
        writer.writeMessage(commit, field: 6)
        writer.writeMessage(batchSize, field: 7)
        writer.writeUInt32(openConnections, field: 8)
        writer.writeUInt32(activeCalls, field: 9)
        writer.writeUInt32(onlineReaders, field: 10)
        writer.writeMap(rows, field: 11, key: { $0.writeString(.some($1), field: 1) }, value: { $0.writeUInt64(.some($1), field: 2) })
        writer.writeInt64(startedAtMs, field: 12)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: pageSize = try reader.readUInt64(tag)
        case 2: pageCount = try reader.readUInt64(tag)
        case 3: freelistCount = try reader.readUInt64(tag)
        case 4: walBytes = try reader.readUInt64(tag)
        case 5: writeQueueDepth = try reader.readUInt32(tag)
        case 6: commit = try reader.readMessage(tag, merging: commit)
        case 7: batchSize = try reader.readMessage(tag, merging: batchSize)
        case 8: openConnections = try reader.readUInt32(tag)
        case 9: activeCalls = try reader.readUInt32(tag)
        case 10: onlineReaders = try reader.readUInt32(tag)
        case 11:
            try reader.readMapEntry(
                tag, into: &rows, defaultKey: "", defaultValue: 0,
                key: { reader, tag throws(WireError) in try reader.readString(tag) },
                value: { reader, tag throws(WireError) in try reader.readUInt64(tag) }
            )
        case 12: startedAtMs = try reader.readInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.StatsResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "page_size", .uint64),
        .init(2, "page_count", .uint64),
        .init(3, "freelist_count", .uint64),
        .init(4, "wal_bytes", .uint64),
        .init(5, "write_queue_depth", .uint32),
        .init(6, "commit", .message(LatencySummary.self)),
        .init(7, "batch_size", .message(LatencySummary.self)),
        .init(8, "open_connections", .uint32),
        .init(9, "active_calls", .uint32),
        .init(10, "online_readers", .uint32),
        .map(11, "rows", .string, .uint64),
        .init(12, "started_at_ms", .int64),
    ]
}
