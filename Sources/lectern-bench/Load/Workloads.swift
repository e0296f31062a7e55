import Foundation
import Histogram
import LecternClient
import LecternProtocol
import LecternStorage

/// The mission's traffic over the real socket.
enum Workloads {
    static let payload = Array(#"{"page":12,"words":311,"lang":"en","device":"tablet","ms":5211}"#.utf8)

    static func event(session: String, sequence: UInt64, atMs: Int64) -> EventInput {
        EventInput.with {
            $0.clientSessionID = session
            $0.sequence = sequence
            $0.type = sequence % 5 == 0 ? "answer" : "page_view"
            $0.occurredAtMs = atMs
            $0.contentID = "book-\(sequence % 7)/chapter-\(sequence % 11)"
            if sequence % 2 == 0 { $0.progress = Double(sequence % 100) / 100 }
            $0.payload = payload
        }
    }

    static func newEvent(_ input: EventInput) -> NewEvent {
        NewEvent(
            clientSessionID: input.clientSessionID, sequence: input.sequence, type: input.type, occurredAtMs: input.occurredAtMs,
            contentID: input.contentID, progress: input.progress, payload: input.payload
        )
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// `count` connections to the socket.
    static func connect(_ socketPath: String, count: Int) async throws -> [RPCConnection] {
        var connections: [RPCConnection] = []
        for _ in 0..<max(1, count) { connections.append(try await RPCConnection.connect(socketPath: socketPath)) }
        return connections
    }

    static let appendEvents = "/lectern.v1.ReaderService/AppendEvents"
    static let heartbeat = "/lectern.v1.ReaderService/Heartbeat"
    static let getMyState = "/lectern.v1.ReaderService/GetMyState"
    static let listMyEvents = "/lectern.v1.ReaderService/ListMyEvents"
    static let dashboard = "/lectern.v1.ConsultantService/Dashboard"
    static let listActiveReaders = "/lectern.v1.ConsultantService/ListActiveReaders"
    static let listReaderEvents = "/lectern.v1.ConsultantService/ListReaderEvents"
    static let watch = "/lectern.v1.ConsultantService/Watch"

    static func name(_ path: String) -> String { String(path.split(separator: "/").last ?? "") }

    // MARK: ingest

    /// Closed-loop AppendEvents: `concurrency` readers, each sending batches of `batch`
    /// events as fast as they are acknowledged.
    static func ingest(_ accounts: Accounts, connections: [RPCConnection], batch: Int, seconds: Double, recorder: Recorder) async {
        let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        await withTaskGroup(of: Void.self) { group in
            for (n, reader) in accounts.readers.enumerated() {
                let connection = connections[n % connections.count]
                let options = CallOptions.bearer(reader.token, timeout: .seconds(30))
                group.addTask(executorPreference: connection.executor) {
                    var sequence: UInt64 = 0
                    let session = "ingest-\(n)"
                    while ContinuousClock.now < end {
                        let request = AppendEventsRequest.with {
                            $0.events = (0..<batch).map { _ in sequence += 1; return event(session: session, sequence: sequence, atMs: nowMs()) }
                        }
                        await recorder.time(name(appendEvents)) {
                            try await connection.unary(appendEvents, request, as: AppendEventsResponse.self, options: options)
                        }
                    }
                }
            }
        }
    }

    // MARK: reads

    /// Which reads the closed loop makes.
    enum ReadMix: String, Sendable, CaseIterable {
        /// Each task alternates GetMyState and a 50-event ListMyEvents page.
        case both
        case state
        case events
    }

    /// Closed-loop reads: each task makes the reads of `mix`, one after another. A first page
    /// that does not hold `min(50, eventsPerReader)` events counts as failed (INTERNAL).
    static func reads(
        _ accounts: Accounts, eventsPerReader: Int, connections: [RPCConnection], concurrency: Int, seconds: Double, mix: ReadMix = .both,
        recorder: Recorder
    ) async {
        let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        await withTaskGroup(of: Void.self) { group in
            for n in 0..<concurrency {
                let connection = connections[n % connections.count]
                let reader = accounts.readers[n % accounts.readers.count]
                let options = CallOptions.bearer(reader.token, timeout: .seconds(30))
                group.addTask(executorPreference: connection.executor) {
                    var flip = mix == .events
                    while ContinuousClock.now < end {
                        if mix == .both { flip.toggle() }
                        if !flip {
                            await recorder.time(name(getMyState)) {
                                try await connection.unary(getMyState, GetMyStateRequest(), as: GetMyStateResponse.self, options: options)
                            }
                        } else {
                            await recorder.time(name(listMyEvents)) {
                                let page = try await connection.unary(
                                    listMyEvents, ListMyEventsRequest.with { $0.pageSize = 50 }, as: EventPageCount.self, options: options
                                )
                                if page.events != min(50, eventsPerReader) || page.hasNextPage != (eventsPerReader > 50) {
                                    throw RPCError(.internal, "a first page of \(page.events) events of \(eventsPerReader)")
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: mission

    struct Mission: Sendable {
        /// Seconds between a reader's heartbeats.
        var heartbeatSeconds = 5.0
        /// Seconds between a reader's events (one event per call), on average.
        var eventSeconds = 3.0
        /// Seconds between a consultant's Dashboard, ListActiveReaders and ListReaderEvents calls.
        var consultantSeconds = 1.0
        /// The readers whose history consultants read; the mission's own readers when nil.
        var historyReaders: ClosedRange<Int64>?
    }

    /// Readers heartbeat and append at a realistic pace over a few shared (gateway)
    /// connections; consultants each hold a Watch stream on their own connection and
    /// poll the dashboard, the active readers and a reader's history. Watch deliveries
    /// are timed from the commit time the server stamps on each update.
    static func mission(
        _ accounts: Accounts, socketPath: String, gatewayConnections: Int, mission: Mission, seconds: Double, recorder: Recorder
    ) async throws {
        let gateways = try await connect(socketPath, count: gatewayConnections)
        var consultantConnections: [RPCConnection] = []
        for _ in accounts.consultants { consultantConnections.append(try await RPCConnection.connect(socketPath: socketPath)) }
        let consultantPool = consultantConnections
        let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let readerIDs = accounts.readers.map(\.id)
        let pacer = Pacer()
        // Client sessions of this run's own: on a database an earlier run left (`scale
        // --directory`), the same session and sequence numbers were duplicates, not stored,
        // and a second run wrote and delivered almost nothing.
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        defer { pacer.stop() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (n, token) in accounts.consultants.enumerated() {
                let connection = consultantPool[n]
                group.addTask(executorPreference: connection.executor) {
                    // The watch runs on a connection of its own until the polling ends, which closes it.
                    let watch = try await WatchTimer.start(socketPath: socketPath, token: token, name: "commit→Watch", until: end, recorder: recorder)
                    var generator = SystemRandomNumberGenerator()
                    try await Task.sleep(for: .milliseconds(Int64.random(in: 0..<1000, using: &generator)))
                    let timed = CallOptions.bearer(token, timeout: .seconds(30))
                    while ContinuousClock.now < end {
                        await recorder.time(name(dashboard)) {
                            try await connection.unary(dashboard, DashboardRequest(), as: DashboardResponse.self, options: timed)
                        }
                        await recorder.time(name(listActiveReaders)) {
                            try await connection.unary(listActiveReaders, ListActiveReadersRequest.with { $0.pageSize = 50 }, as: ListActiveReadersResponse.self, options: timed)
                        }
                        let reader = mission.historyReaders.map { Int64.random(in: $0, using: &generator) }
                            ?? readerIDs.randomElement(using: &generator) ?? 1
                        await recorder.time(name(listReaderEvents)) {
                            try await connection.unary(listReaderEvents, ListReaderEventsRequest.with { $0.readerID = reader; $0.pageSize = 50 },
                                                       as: ListReaderEventsResponse.self, options: timed)
                        }
                        // Not past the end: the run's figures are per second of its length, and a
                        // consultant sleeping past it made the run up to a second longer than its load.
                        try? await Task.sleep(until: min(ContinuousClock.now + .milliseconds(Int64(mission.consultantSeconds * 1000)), end))
                    }
                    try? await watch.close()
                }
            }
            for (n, reader) in accounts.readers.enumerated() {
                let connection = gateways[n % gateways.count]
                let options = CallOptions.bearer(reader.token, timeout: .seconds(30))
                group.addTask(executorPreference: connection.executor) {
                    var generator = SystemRandomNumberGenerator()
                    let clock = ContinuousClock()
                    // Spread the readers' first calls over the first interval.
                    await pacer.sleep(until: clock.now + .milliseconds(Int64.random(in: 0..<Int64(mission.eventSeconds * 1000), using: &generator)))
                    var nextHeartbeat = clock.now, nextEvent = clock.now
                    var sequence: UInt64 = 0
                    let session = "tab-\(n)-\(run)"
                    while clock.now < end {
                        if clock.now >= nextHeartbeat {
                            await recorder.time(name(heartbeat)) {
                                try await connection.unary(heartbeat, HeartbeatRequest.with { $0.clientSessionID = session; $0.contentID = "book-\(n % 7)" },
                                                           as: HeartbeatResponse.self, options: options)
                            }
                            nextHeartbeat = nextHeartbeat + .milliseconds(Int64(mission.heartbeatSeconds * 1000))
                        }
                        if clock.now >= nextEvent {
                            sequence += 1
                            let request = AppendEventsRequest.with { $0.events = [event(session: session, sequence: sequence, atMs: nowMs())] }
                            await recorder.time(name(appendEvents)) {
                                try await connection.unary(appendEvents, request, as: AppendEventsResponse.self, options: options)
                            }
                            // Exponential gaps: a Poisson stream of events per reader.
                            let gap = -log(Double.random(in: 0.0001..<1, using: &generator)) * mission.eventSeconds
                            nextEvent = nextEvent + .milliseconds(Int64(gap * 1000))
                        }
                        let wake = min(nextHeartbeat, nextEvent, end)
                        if wake > clock.now { await pacer.sleep(until: wake) }
                    }
                }
            }
            try await group.waitForAll()
        }
        for connection in gateways + consultantPool { await connection.close() }
    }
}

/// An `ActivityUpdate` as the load generator reads it: only when it committed and whether it
/// is an event, the rest skipped, so that the generator's decoding does not take the CPU the
/// server needs.
struct ActivityTiming: ProtoMessage {
    var committedAtMs: Int64 = 0
    var isEvent = false

    static let protoName = "lectern.v1.ActivityUpdate"
    static let protoFields: [ProtoField] = [.init(2, "committed_at_ms", .int64)]

    func encode(to writer: inout ProtoWriter) {}

    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 2: committedAtMs = try reader.readInt64(tag)
        case 3:
            isEvent = true
            try reader.skip(tag)
        default: try reader.skip(tag)
        }
    }
}

/// A `ListMyEventsResponse` as the load generator reads it: its events counted and skipped,
/// not built, so that decoding 50 events a call does not take the CPU the server needs.
struct EventPageCount: ProtoMessage {
    var events = 0
    var hasNextPage = false

    static let protoName = "lectern.v1.ListMyEventsResponse"
    static let protoFields: [ProtoField] = [.init(2, "next_page_token", .string)]

    func encode(to writer: inout ProtoWriter) {}

    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1:
            events += 1
            try reader.skip(tag)
        case 2: hasNextPage = try !reader.readString(tag).isEmpty
        default: try reader.skip(tag)
        }
    }
}
