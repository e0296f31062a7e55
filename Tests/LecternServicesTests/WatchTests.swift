import Foundation
import LecternClient
import LecternProtocol
import LecternStorage
import Synchronization
import Testing
@testable import LecternServices

@Suite("ConsultantService.Watch over a real socket")
struct WatchTests {
    private func viewer(_ server: TestServer) async throws -> CallOptions {
        let hash = try Credentials.hashPassword("password vic", strength: .minimum)
        _ = try await server.store.createConsultant(NewConsultant(email: "vic@staff.org", displayName: "vic", passwordHash: hash, role: 1))
        return .bearer(try await server.auth.login(.with {
            $0.email = "vic@staff.org"; $0.password = "password vic"; $0.accountKind = .consultant
        }).token)
    }

    private func reader(_ server: TestServer, _ name: String) async throws -> (CallOptions, Int64) {
        let response = try await server.auth.signUp(.with { $0.email = "\(name)@example.org"; $0.password = "password \(name)"; $0.displayName = name })
        return (.bearer(response.token), response.reader?.id ?? 0)
    }

    private static func events(_ session: String, _ sequences: ClosedRange<UInt64>) -> AppendEventsRequest {
        AppendEventsRequest.with {
            $0.events = sequences.map { n in EventInput.with { $0.clientSessionID = session; $0.sequence = n; $0.type = "page_view" } }
        }
    }

    @Test("a live stream says CaughtUp, then carries events, messages, milestones and presence changes in commit order, filtered")
    func live() async throws {
        try await withTestServer { server in
            let consultants = ConsultantClient(server.client), readers = ReaderClient(server.client)
            let vic = try await viewer(server)
            let (ada, adaID) = try await reader(server, "ada")
            let (bob, bobID) = try await reader(server, "bob")
            let all = try await consultants.watch(WatchRequest(), options: vic).makeAsyncIterator()
            let adaOnly = try await consultants.watch(.with { $0.readerIDs = [adaID]; $0.kinds = [.event, .presence] }, options: vic).makeAsyncIterator()
            #expect(try await all.next()?.update == .caughtUp(CaughtUp()))
            #expect(try await adaOnly.next()?.update == .caughtUp(CaughtUp()))

            _ = try await readers.appendEvents(Self.events("t", 1...2), options: ada)
            _ = try await readers.appendEvents(Self.events("t", 1...1), options: bob)
            _ = try await readers.sendMessage(.with { $0.body = "hello" }, options: ada)
            _ = try await readers.upsertMilestone(.with { $0.contentID = "book-1"; $0.status = .started }, options: ada)
            _ = try await readers.heartbeat(.with { $0.clientSessionID = "tab" }, options: ada)

            var kinds: [String] = [], cursors: [Int64] = []
            for _ in 0..<6 {
                let update = try #require(try await all.next())
                cursors.append(try #require(Int64(update.cursor)))
                switch update.update {
                case .event(let event): kinds.append("event \(event.readerID == adaID ? "ada" : "bob") \(event.sequence)")
                case .message(let message): kinds.append("message \(message.body)")
                case .milestone(let milestone): kinds.append("milestone \(milestone.contentID)")
                case .presence(let presence): kinds.append("presence \(presence.readerID == adaID) \(presence.online)")
                default: kinds.append("other")
                }
            }
            #expect(kinds == ["event ada 1", "event ada 2", "event bob 1", "message hello", "milestone book-1", "presence true true"])
            #expect(cursors.dropLast() == cursors.dropLast().sorted() && Set(cursors.dropLast()).count == 5)
            // A presence change carries the cursor of the last committed update before it.
            #expect(cursors.last == cursors[4])

            var filtered: [String] = []
            for _ in 0..<3 {
                switch try #require(try await adaOnly.next()).update {
                case .event(let event) where event.readerID == adaID: filtered.append("event \(event.sequence)")
                case .presence(let presence) where presence.readerID == adaID: filtered.append("presence \(presence.online)")
                default: filtered.append("unwanted")
                }
            }
            #expect(filtered == ["event 1", "event 2", "presence true"])

            // With no heartbeat for the window, the sweep takes Ada offline within a second.
            server.clock.advance(byMs: server.services.presence.windowMs)
            server.services.presenceKeeper.sweep()
            guard case .presence(let offline)? = try await all.next()?.update else { Issue.record("no offline change"); return }
            #expect(offline.readerID == adaID && !offline.online)

            // A suspended reader goes offline at once, without waiting for the window.
            _ = try await readers.heartbeat(.with { $0.clientSessionID = "phone" }, options: bob)
            guard case .presence(let online)? = try await all.next()?.update else { Issue.record("no online change"); return }
            #expect(online.readerID == bobID && online.online)
            _ = try await AdminClient(server.client).suspendReader(.with { $0.readerID = bobID; $0.suspended = true })
            guard case .presence(let suspended)? = try await all.next()?.update else { Issue.record("no offline change"); return }
            #expect(suspended.readerID == bobID && !suspended.online)
        }
    }

    @Test("consumers that disconnect and resume at random points each get every committed event exactly once, in commit order")
    func resumeUnderConcurrentWriters() async throws {
        try await withTestServer { server in
            let vic = try await viewer(server)
            var writers: [(CallOptions, Int64)] = []
            for name in ["ada", "bob", "cy", "dee"] { writers.append(try await reader(server, name)) }
            let batches = 40, perBatch = 5
            let total = writers.count * batches * perBatch

            // Each task returns (whether it wrote, the event ids it acknowledged or received).
            try await withThrowingTaskGroup(of: (Bool, [Int64]).self) { group in
                for (options, _) in writers {
                    group.addTask {
                        let readers = ReaderClient(server.client)
                        var acknowledged: [Int64] = []
                        for batch in 0..<batches {
                            let first = UInt64(batch * perBatch + 1)
                            let response = try await readers.appendEvents(Self.events("s", first...first + UInt64(perBatch - 1)), options: options)
                            acknowledged += response.results.map(\.eventID)
                        }
                        return (true, acknowledged)
                    }
                }
                for consumer in 0..<3 {
                    group.addTask {
                        var generator = SystemRandomNumberGenerator()
                        let consultants = ConsultantClient(server.client)
                        var cursor = "0", received: [Int64] = [], resumes = 0
                        while received.count < total {
                            let stream = try await consultants.watch(.with { $0.cursor = cursor; $0.kinds = [.event] }, options: vic)
                            let stopAfter = Int.random(in: 1...120, using: &generator)
                            var taken = 0
                            for try await update in stream {
                                if case .event(let event) = update.update {
                                    received.append(event.id)
                                    taken += 1
                                }
                                cursor = update.cursor
                                if taken >= stopAfter || received.count == total { break }
                            }
                            resumes += 1
                        }
                        #expect(resumes > 1, "consumer \(consumer) never resumed")
                        return (false, received)
                    }
                }
                var streams: [[Int64]] = [], committed: [Int64] = []
                for try await (wrote, ids) in group {
                    if wrote { committed += ids } else { streams.append(ids) }
                }
                committed.sort()
                #expect(committed.count == total)
                #expect(streams.count == 3)
                for received in streams {
                    #expect(received == committed, "every committed event once, in commit (position) order")
                }
            }
        }
    }

    @Test("a stream that falls behind ends with RESOURCE_EXHAUSTED; resuming from its last cursor loses nothing")
    func slowConsumer() async throws {
        try await withTestServer(configure: { $0.maxWatchBuffered = 10 }) { server in
            let consultants = ConsultantClient(server.client), readers = ReaderClient(server.client)
            let vic = try await viewer(server)
            let (ada, _) = try await reader(server, "ada")
            let stream = try await consultants.watch(WatchRequest(), options: vic).makeAsyncIterator()
            let caughtUp = try #require(try await stream.next())
            #expect(caughtUp.update == .caughtUp(CaughtUp()))
            // One commit of 50 events is more than the stream may queue.
            let appended = try await readers.appendEvents(Self.events("t", 1...50), options: ada)
            var ended: RPCError?
            do { while try await stream.next() != nil {} } catch let error as RPCError { ended = error }
            #expect(ended?.code == .resourceExhausted)
            var resumed: [Int64] = []
            for try await update in try await consultants.watch(.with { $0.cursor = caughtUp.cursor }, options: vic) {
                if case .event(let event) = update.update { resumed.append(event.id) }
                if case .caughtUp = update.update { break }
            }
            #expect(resumed == appended.results.map(\.eventID))
        }
    }

    @Test("a cursor from before events ArchiveEvents moved out is OUT_OF_RANGE naming where to resume, not a replay with a silent gap")
    func cursorBeforeArchivedEvents() async throws {
        try await withTestServer { server in
            let consultants = ConsultantClient(server.client), readers = ReaderClient(server.client)
            let vic = try await viewer(server)
            let (ada, _) = try await reader(server, "ada")
            let old = try await readers.appendEvents(Self.events("t", 1...3), options: ada).results.map(\.eventID)
            let cut = Int64(Date().timeIntervalSince1970 * 1000) + 1
            try await Task.sleep(for: .milliseconds(5))
            let recent = try await readers.appendEvents(Self.events("t", 4...5), options: ada).results.map(\.eventID)
            let path = NSTemporaryDirectory() + "archive-\(UUID().uuidString).db"
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(try await server.store.archiveEvents(beforeMs: cut, to: path) == 3)

            for cursor in ["0", String(old[1])] {
                do {
                    for try await update in try await consultants.watch(.with { $0.cursor = cursor }, options: vic) {
                        if case .caughtUp = update.update { break }
                    }
                    Issue.record("cursor \(cursor) replayed past archived events")
                } catch let error as RPCError {
                    #expect(error.code == .outOfRange && error.message.hasPrefix("cursor:") && error.message.contains("resume from cursor \(old[2])"), "\(error)")
                }
            }
            var replayed: [Int64] = []
            for try await update in try await consultants.watch(.with { $0.cursor = String(old[2]) }, options: vic) {
                if case .event(let event) = update.update { replayed.append(event.id) }
                if case .caughtUp = update.update { break }
            }
            #expect(replayed == recent)
        }
    }

    @Test("one consultant's Watch streams are capped: one more is RESOURCE_EXHAUSTED, another consultant's is not, and an ended stream frees its place")
    func streamsPerConsultant() async throws {
        try await withTestServer(configure: { $0.maxWatchStreamsPerConsultant = 2 }) { server in
            let consultants = ConsultantClient(server.client)
            let vic = try await viewer(server)
            /// A stream that has said CaughtUp, so the server counts it.
            func opened(_ options: CallOptions) async throws -> ResponseStream<ActivityUpdate>.AsyncIterator {
                let stream = try await consultants.watch(WatchRequest(), options: options).makeAsyncIterator()
                _ = try await stream.next()
                return stream
            }
            var streams = [try await opened(vic), try await opened(vic)]
            do {
                _ = try await opened(vic)
                Issue.record("a third stream opened")
            } catch let error as RPCError {
                #expect(error.code == .resourceExhausted && error.message.contains("2 Watch streams"), "\(error)")
            }
            let hash = try Credentials.hashPassword("password eve", strength: .minimum)
            _ = try await server.store.createConsultant(NewConsultant(email: "eve@staff.org", displayName: "eve", passwordHash: hash, role: 1))
            let eve = CallOptions.bearer(try await server.auth.login(.with {
                $0.email = "eve@staff.org"; $0.password = "password eve"; $0.accountKind = .consultant
            }).token)
            streams.append(try await opened(eve))
            // Dropping a stream's iterator cancels it; its place comes back once the server saw that.
            streams.removeFirst()
            var reopened: ResponseStream<ActivityUpdate>.AsyncIterator?
            for _ in 0..<200 where reopened == nil {
                do { reopened = try await opened(vic) } catch let error as RPCError where error.code == .resourceExhausted {
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            #expect(reopened != nil)
            _ = streams
        }
    }

    @Test("a cursor that is not one, or is ahead of the feed, is INVALID_ARGUMENT naming the cursor")
    func badCursors() async throws {
        try await withTestServer { server in
            let consultants = ConsultantClient(server.client)
            let vic = try await viewer(server)
            for cursor in ["abc", "-1", "12x", "999999", "+0", " 0", "0x0"] {
                do {
                    for try await _ in try await consultants.watch(.with { $0.cursor = cursor }, options: vic) {}
                    Issue.record("cursor \(cursor) was accepted")
                } catch let error as RPCError {
                    #expect(error.code == .invalidArgument && error.message.hasPrefix("cursor:"), "\(cursor): \(error)")
                }
            }
            // The feed's position is no answer to a caller who is not a consultant.
            let ada = CallOptions.bearer(try await server.auth.signUp(.with { $0.email = "ada@example.org"; $0.password = "password ada"; $0.displayName = "Ada" }).token)
            do {
                for try await _ in try await consultants.watch(.with { $0.cursor = "999999" }, options: ada) {}
                Issue.record("a reader watched")
            } catch let error as RPCError {
                #expect(error.code == .permissionDenied && !error.message.contains("feed"), "\(error)")
            }
        }
    }
}
