import Foundation
import LecternClient
import LecternProtocol
import LecternStorage
import LecternTestSupport
import Testing
@testable import LecternServices

/// Service keys, suspending, deleting and archiving, the audit log's filters, ListReaders'
/// filters, the dashboard and saved last-seen times — each against the real store.
@Suite("Admin operations, filters and the dashboard over a real socket")
struct AdminOperationsTests {
    private func reader(_ server: TestServer, _ name: String) async throws -> (String, Int64) {
        let response = try await server.auth.signUp(.with { $0.email = "\(name)@example.org"; $0.password = "password \(name)"; $0.displayName = name })
        return (response.token, response.reader?.id ?? 0)
    }

    private func viewer(_ server: TestServer) async throws -> CallOptions {
        _ = try await AdminClient(server.client).createConsultant(.with {
            $0.email = "vic@staff.org"; $0.password = "password vic"; $0.displayName = "Vic"; $0.role = .viewer
        })
        return .bearer(try await server.auth.login(.with { $0.email = "vic@staff.org"; $0.password = "password vic"; $0.accountKind = .consultant }).token)
    }

    private static func events(_ sequences: ClosedRange<UInt64>) -> AppendEventsRequest {
        AppendEventsRequest.with {
            $0.events = sequences.map { n in EventInput.with { $0.clientSessionID = "s"; $0.sequence = n; $0.type = "page_view" } }
        }
    }

    @Test("a gateway's service key acts for a reader by the reader's token; revoked, it stops at once")
    func serviceKeys() async throws {
        try await withTestServer { server in
            let admin = AdminClient(server.client), readers = ReaderClient(server.client)
            let created = try await admin.createServiceKey(.with { $0.name = "web-1" })
            #expect(created.secret.hasPrefix("lsk_") && created.key?.name == "web-1" && created.key?.revokedAtMs == 0)
            #expect(await status { _ = try await admin.createServiceKey(.with { $0.name = "web-1" }) } == .alreadyExists)
            let (token, adaID) = try await reader(server, "ada")
            let gateway = CallOptions(metadata: ["authorization": "Bearer \(created.secret)", "x-reader-token": token])
            let who = try await server.auth.whoAmI(options: gateway)
            #expect(who.kind == .reader && who.serviceKeyName == "web-1")
            guard case .reader(let reader)? = who.account else { Issue.record("not a reader"); return }
            #expect(reader.id == adaID)
            _ = try await readers.appendEvents(Self.events(1...2), options: gateway)
            #expect(try await readers.getMyState(options: .bearer(token)).state?.eventCount == 2)
            let alone = try await server.auth.whoAmI(options: .bearer(created.secret))
            #expect(alone.kind == .serviceKey && alone.account == nil)

            let revoked = try await admin.revokeServiceKey(.with { $0.serviceKeyID = created.key?.id ?? 0 })
            #expect((revoked.key?.revokedAtMs ?? 0) > 0)
            #expect(await status { _ = try await readers.getMyState(options: gateway) } == .unauthenticated)
            #expect(await status { _ = try await admin.revokeServiceKey(.with { $0.serviceKeyID = 999 }) } == .notFound)
        }
    }

    @Test("a suspended reader's tokens stop working, and it cannot log in, until it is reinstated")
    func suspend() async throws {
        try await withTestServer { server in
            let admin = AdminClient(server.client), readers = ReaderClient(server.client)
            let (token, adaID) = try await reader(server, "ada")
            let suspended = try await admin.suspendReader(.with { $0.readerID = adaID; $0.suspended = true; $0.reason = "spam" })
            #expect(suspended.reader?.status == .suspended)
            #expect(await status { _ = try await readers.getMyState(options: .bearer(token)) } == .permissionDenied)
            // Logging in again says so, to whoever has the password, and opens no session.
            let login = LoginRequest.with { $0.email = "ada@example.org"; $0.password = "password ada" }
            #expect(await status { _ = try await server.auth.login(login) } == .permissionDenied)
            #expect(await status { _ = try await server.auth.login(.with { $0.email = "ada@example.org"; $0.password = "not her password" }) } == .unauthenticated)
            _ = try await admin.suspendReader(.with { $0.readerID = adaID; $0.suspended = false })
            #expect(try await readers.getMyState(options: .bearer(token)).state != nil)
            #expect(try await readers.getMyState(options: .bearer(try await server.auth.login(login).token)).state != nil)
            #expect(await status { _ = try await admin.suspendReader(.with { $0.readerID = 999; $0.suspended = true }) } == .notFound)
            let audit = try await admin.listAuditLog(.with { $0.readerID = adaID; $0.action = "AdminService.SuspendReader" })
            #expect(audit.entries.map(\.detail) == ["suspended=false reason=", "suspended=true reason=spam"])
        }
    }

    @Test("a suspended consultant's tokens stop working, its Watch streams end, it cannot log in or watch, until it is reinstated")
    func suspendConsultant() async throws {
        try await withTestServer { server in
            let admin = AdminClient(server.client), consultants = ConsultantClient(server.client)
            let vic = try await viewer(server)
            let vicID = try #require(try await server.store.consultant(email: "vic@staff.org")).id
            #expect(try await consultants.dashboard(DashboardRequest(), options: vic).totalReaders == 0)
            // A stream left open by a suspension would end at this deadline instead.
            var bounded = vic
            bounded.timeout = .seconds(10)
            let stream = try await consultants.watch(WatchRequest(), options: bounded).makeAsyncIterator()
            _ = try await stream.next()  // CaughtUp: the stream is live
            let suspended = try await admin.suspendConsultant(.with { $0.consultantID = vicID; $0.suspended = true; $0.reason = "left" })
            #expect(suspended.consultant?.suspended == true && suspended.consultant?.id == vicID)
            // The live stream ends at once, with no update: nothing more of any reader reaches it.
            let ended = await rpcError { _ = try await stream.next() }
            #expect(ended?.code == .permissionDenied && ended?.message.contains("suspended") == true, "\(String(describing: ended))")
            #expect(await status { _ = try await consultants.dashboard(DashboardRequest(), options: vic) } == .permissionDenied)
            #expect(await status { _ = try await consultants.watch(WatchRequest(), options: vic).makeAsyncIterator().next() } == .permissionDenied)
            let login = LoginRequest.with { $0.email = "vic@staff.org"; $0.password = "password vic"; $0.accountKind = .consultant }
            #expect(await status { _ = try await server.auth.login(login) } == .permissionDenied)

            let reinstated = try await admin.suspendConsultant(.with { $0.consultantID = vicID; $0.suspended = false })
            #expect(reinstated.consultant?.suspended == false)
            #expect(try await consultants.dashboard(DashboardRequest(), options: vic).totalReaders == 0)
            let again = try await consultants.watch(WatchRequest(), options: .bearer(try await server.auth.login(login).token)).makeAsyncIterator()
            #expect(try await again.next()?.update == .caughtUp(CaughtUp()))
            #expect(await status { _ = try await admin.suspendConsultant(.with { $0.consultantID = 999; $0.suspended = true }) } == .notFound)
            #expect(await status { _ = try await admin.suspendConsultant(.with { $0.consultantID = vicID; $0.reason = String(repeating: "x", count: 1_025) }) } == .invalidArgument)
            let audit = try await admin.listAuditLog(.with { $0.action = "AdminService.SuspendConsultant" })
            #expect(audit.entries.map(\.detail) == [
                "consultant=999 suspended=true reason=", "consultant=\(vicID) suspended=false reason=", "consultant=\(vicID) suspended=true reason=left",
            ])
        }
    }

    @Test("ListConsultants pages every consultant in id order, suspended ones marked; admins only; a bad page token is INVALID_ARGUMENT")
    func listConsultants() async throws {
        try await withTestServer { server in
            let admin = AdminClient(server.client)
            var ids: [Int64] = []
            for name in ["ann", "bob", "cy", "dee", "eve"] {
                ids.append(try await admin.createConsultant(.with {
                    $0.email = "\(name)@staff.org"; $0.password = "password \(name)"; $0.displayName = name; $0.role = .viewer
                }).consultant?.id ?? 0)
            }
            _ = try await admin.suspendConsultant(.with { $0.consultantID = ids[1]; $0.suspended = true })
            var listed: [Consultant] = [], token = ""
            repeat {
                let page = try await admin.listConsultants(.with { $0.pageSize = 2; $0.pageToken = token })
                #expect(page.consultants.count <= 2)
                listed += page.consultants
                token = page.nextPageToken
            } while !token.isEmpty
            #expect(listed.map(\.id) == ids)
            #expect(listed.map(\.suspended) == [false, true, false, false, false])
            #expect(listed.first?.email == "ann@staff.org" && listed.first?.role == .viewer)
            #expect(try await admin.listConsultants(.with { $0.pageSize = 5 }).nextPageToken.isEmpty)
            #expect(await status { _ = try await admin.listConsultants(.with { $0.pageToken = "x" }) } == .invalidArgument)
            #expect(await status { _ = try await admin.listConsultants(.with { $0.pageSize = 1_001 }) } == .invalidArgument)
            let viewer = CallOptions.bearer(try await server.auth.login(.with { $0.email = "ann@staff.org"; $0.password = "password ann"; $0.accountKind = .consultant }).token)
            #expect(await status { _ = try await admin.listConsultants(ListConsultantsRequest(), options: viewer) } == .permissionDenied)
        }
    }

    @Test("a suspended or a deleted reader is offline at once: off the active list and off the online count")
    func suspensionTakesOffline() async throws {
        try await withTestServer { server in
            let admin = AdminClient(server.client), readers = ReaderClient(server.client), consultants = ConsultantClient(server.client)
            let vic = try await viewer(server)
            let (ada, adaID) = try await reader(server, "ada")
            let (bob, bobID) = try await reader(server, "bob")
            let (cy, _) = try await reader(server, "cy")
            for token in [ada, bob, cy] { _ = try await readers.heartbeat(.with { $0.clientSessionID = "tab" }, options: .bearer(token)) }
            func active() async throws -> [String] {
                try await consultants.listActiveReaders(ListActiveReadersRequest(), options: vic).readers.map(\.displayName).sorted()
            }
            #expect(try await active() == ["ada", "bob", "cy"])
            _ = try await admin.suspendReader(.with { $0.readerID = adaID; $0.suspended = true })
            _ = try await admin.deleteReader(.with { $0.readerID = bobID })
            #expect(try await active() == ["cy"])
            #expect(try await consultants.dashboard(DashboardRequest(), options: vic).onlineNow == 1)
        }
    }

    @Test("a session used a moment ago (so cached) sees logout, suspension, deletion and a role change at once")
    func cachedSessions() async throws {
        try await withTestServer { server in
            let admin = AdminClient(server.client), readers = ReaderClient(server.client), consultants = ConsultantClient(server.client)
            let (ada, adaID) = try await reader(server, "ada")
            let (bob, bobID) = try await reader(server, "bob")
            let (cy, _) = try await reader(server, "cy")
            for token in [ada, bob, cy] { _ = try await readers.getMyState(options: .bearer(token)) }
            _ = try await admin.suspendReader(.with { $0.readerID = adaID; $0.suspended = true })
            #expect(await status { _ = try await readers.getMyState(options: .bearer(ada)) } == .permissionDenied)
            _ = try await admin.deleteReader(.with { $0.readerID = bobID })
            #expect(await status { _ = try await readers.getMyState(options: .bearer(bob)) } == .unauthenticated)
            _ = try await server.auth.logout(options: .bearer(cy))
            #expect(await status { _ = try await readers.getMyState(options: .bearer(cy)) } == .unauthenticated)

            let vic = try await viewer(server)
            #expect(await status { _ = try await consultants.sendMessage(.with { $0.readerID = adaID; $0.body = "hi" }, options: vic) } == .permissionDenied)
            let vicID = try #require(try await server.store.consultant(email: "vic@staff.org")).id
            _ = try await admin.setConsultantRole(.with { $0.consultantID = vicID; $0.role = .supervisor })
            #expect(try await consultants.sendMessage(.with { $0.readerID = adaID; $0.body = "hi" }, options: vic).message?.body == "hi")
        }
    }

    @Test("deleting a reader erases every row of its data and no other reader's; the audit rows stay")
    func delete() async throws {
        try await withTestServer { server in
            let admin = AdminClient(server.client), readers = ReaderClient(server.client)
            let vic = try await viewer(server)
            let (ada, adaID) = try await reader(server, "ada")
            let (bob, bobID) = try await reader(server, "bob")
            for token in [ada, bob] {
                _ = try await readers.appendEvents(Self.events(1...3), options: .bearer(token))
                _ = try await readers.upsertMilestone(.with { $0.contentID = "book"; $0.status = .completed }, options: .bearer(token))
                _ = try await readers.sendMessage(.with { $0.body = "help" }, options: .bearer(token))
            }
            _ = try await ConsultantClient(server.client).getReader(.with { $0.readerID = adaID }, options: vic)
            let deleted = try await admin.deleteReader(.with { $0.readerID = adaID })
            #expect(deleted.eventsDeleted == 3 && deleted.milestonesDeleted == 1 && deleted.messagesDeleted == 1 && deleted.sessionsDeleted == 1)
            #expect(await status { _ = try await readers.getMyState(options: .bearer(ada)) } == .unauthenticated)
            #expect(try await server.store.reader(id: adaID) == nil)
            #expect(try await server.store.events(readerID: adaID, beforeID: nil, limit: 10, sinceMs: 0, untilMs: 0, types: []).isEmpty)
            #expect(try await server.store.events(readerID: bobID, beforeID: nil, limit: 10, sinceMs: 0, untilMs: 0, types: []).count == 3)
            #expect(try await server.store.auditEntries(AuditFilter(readerID: adaID), beforeID: nil, limit: 10).count == 2)
            #expect(await status { _ = try await admin.deleteReader(.with { $0.readerID = adaID }) } == .notFound)
            // A position freed by deleting the newest rows is never given again.
            let next = try await readers.appendEvents(Self.events(9...9), options: .bearer(bob))
            #expect(next.results[0].eventID > server.store.feedPosition - 1 && next.results[0].eventID == server.store.feedPosition)
        }
    }

    /// Ada, seven events of hers, and a time after them: what ArchiveEvents tests move.
    private func adaWithSevenEvents(_ server: TestServer) async throws -> (token: String, id: Int64, cut: Int64) {
        let (ada, adaID) = try await reader(server, "ada")
        _ = try await ReaderClient(server.client).appendEvents(Self.events(1...7), options: .bearer(ada))
        return (ada, adaID, Int64(Date().timeIntervalSince1970 * 1000) + 1)
    }

    @Test("ArchiveEvents moves old events into the archive file once; the rest stay")
    func archive() async throws {
        try await withTestServer { server in
            let admin = AdminClient(server.client), readers = ReaderClient(server.client)
            let (ada, adaID, cut) = try await adaWithSevenEvents(server)
            try await Task.sleep(for: .milliseconds(5))
            _ = try await readers.appendEvents(Self.events(8...9), options: .bearer(ada))
            let path = NSTemporaryDirectory() + "archive-\(UUID().uuidString).db"
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(try await admin.archiveEvents(.with { $0.beforeMs = cut; $0.archivePath = path }).eventsArchived == 7)
            #expect(try await admin.archiveEvents(.with { $0.beforeMs = cut; $0.archivePath = path }).eventsArchived == 0)
            let left = try await server.store.events(readerID: adaID, beforeID: nil, limit: 100, sinceMs: 0, untilMs: 0, types: [])
            #expect(left.map(\.sequence) == [9, 8])
            let archived = try inspectArchive(path)
            #expect(archived == (1...7).map { Int64($0) })
            #expect(await status { _ = try await admin.archiveEvents(.with { $0.beforeMs = cut; $0.archivePath = "relative.db" }) } == .invalidArgument)
        }
    }

    @Test("ArchiveEvents deletes from the database only what the archive holds: an archive that refuses rows loses none")
    func archiveKeepsWhatItCannotCopy() async throws {
        try await withTestServer { server in
            let admin = AdminClient(server.client)
            let (_, adaID, cut) = try await adaWithSevenEvents(server)
            let path = NSTemporaryDirectory() + "archive-\(UUID().uuidString).db"
            defer { try? FileManager.default.removeItem(atPath: path) }
            // An archive file whose events table silently drops the rows of sequences 2 and 5,
            // as a copy that did not reach the file would.
            let script = """
                import sqlite3,sys; c=sqlite3.connect(sys.argv[1])
                c.execute('CREATE TABLE events (id INTEGER PRIMARY KEY, reader_id INTEGER NOT NULL, client_session_id TEXT NOT NULL, sequence INTEGER NOT NULL, type TEXT NOT NULL, occurred_at_ms INTEGER NOT NULL, received_at_ms INTEGER NOT NULL, content_id TEXT NOT NULL, progress REAL, payload BLOB NOT NULL) STRICT')
                c.execute('CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.sequence IN (2, 5) BEGIN SELECT RAISE(IGNORE); END')
                c.commit()
                """
            _ = try spawnAndWait(["python3", "-c", script, path], stdout: "/dev/null")
            #expect(try await admin.archiveEvents(.with { $0.beforeMs = cut; $0.archivePath = path }).eventsArchived == 5)
            #expect(try inspectArchive(path) == [1, 3, 4, 6, 7])
            let left = try await server.store.events(readerID: adaID, beforeID: nil, limit: 100, sinceMs: 0, untilMs: 0, types: [])
            #expect(left.map(\.sequence) == [5, 2])
        }
    }

    @Test("ArchiveEvents refuses the server's own database and its WAL, and any Lectern database; a file holding other rows under the same ids deletes nothing")
    func archiveOnlyIntoArchives() async throws {
        try await withTestServer { server in
            let admin = AdminClient(server.client)
            let (_, adaID, cut) = try await adaWithSevenEvents(server)
            func archive(_ path: String) async -> (RPCStatusCode, String) {
                let error = await rpcError { _ = try await admin.archiveEvents(.with { $0.beforeMs = cut; $0.archivePath = path }) }
                return (error?.code ?? .ok, error?.message ?? "")
            }
            let database = server.store.configuration.path
            _ = try await server.store.checkpoint(.truncate)
            for own in [database, database + "-wal"] {
                let (code, message) = await archive(own)
                #expect(code == .invalidArgument && message.contains("the server's own database"), "\(own): \(code) \(message)")
            }
            // A copy of the database is a Lectern database, not an archive.
            let copy = NSTemporaryDirectory() + "copy-\(UUID().uuidString).db"
            defer { try? FileManager.default.removeItem(atPath: copy) }
            for try await _ in try await admin.backup(.with { $0.destinationPath = copy }) {}
            let (code, message) = await archive(copy)
            #expect(code == .invalidArgument && message.contains("is a Lectern database"), "\(code) \(message)")
            // Another program's file with an events table of the archive's columns, holding other rows under ids 1 to 7.
            let other = NSTemporaryDirectory() + "other-\(UUID().uuidString).db"
            defer { try? FileManager.default.removeItem(atPath: other) }
            let script = """
                import sqlite3,sys; c=sqlite3.connect(sys.argv[1])
                c.execute('CREATE TABLE events (sequence INTEGER, id INTEGER PRIMARY KEY, reader_id INTEGER, client_session_id TEXT, type TEXT, occurred_at_ms INTEGER, received_at_ms INTEGER, content_id TEXT, progress REAL, payload BLOB)')
                c.executemany('INSERT INTO events VALUES (?, ?, 1, \\'theirs\\', \\'x\\', 0, 0, \\'\\', NULL, x\\'\\')', [(n * 100, n) for n in range(1, 8)])
                c.commit()
                """
            _ = try spawnAndWait(["python3", "-c", script, other], stdout: "/dev/null")
            #expect(await archive(other).0 == .ok)
            let left = try await server.store.events(readerID: adaID, beforeID: nil, limit: 100, sinceMs: 0, untilMs: 0, types: [])
            #expect(left.map(\.sequence) == Array((1...7).reversed()))
            #expect(try await server.store.integrityCheck() == ["ok"])
        }
    }

    @Test("Backup and ArchiveEvents to where no file can be made are INVALID_ARGUMENT naming the field, leave nothing behind, and the server serves on")
    func destinationsThatAreNotFiles() async throws {
        try await withTestServer { server in
            let admin = AdminClient(server.client)
            let (_, adaID, cut) = try await adaWithSevenEvents(server)
            let directory = NSTemporaryDirectory() + "dest-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let fifo = directory + "/fifo"
            #expect(mkfifo(fifo, 0o600) == 0)
            // A directory that does not exist (SQLite would drop "missing/.." and write beside it),
            // a file's path as a directory, and the root.
            for path in [directory + "/missing/../copy.db", "/nonexistent-\(UUID().uuidString)/copy.db", fifo + "/copy.db", "/"] {
                let backup = await rpcError { for try await _ in try await admin.backup(.with { $0.destinationPath = path }) {} }
                #expect(backup?.code == .invalidArgument && backup?.message.hasPrefix("destination_path: ") == true, "\(path): \(String(describing: backup))")
                let archive = await rpcError { _ = try await admin.archiveEvents(.with { $0.beforeMs = cut; $0.archivePath = path }) }
                #expect(archive?.code == .invalidArgument && archive?.message.hasPrefix("archive_path: ") == true, "\(path): \(String(describing: archive))")
            }
            // Not regular files: reading a directory's header trapped in Foundation and took
            // the server down; opening a FIFO to read it would wait for a writer.
            for path in [directory, fifo, "/dev/null"] {
                let archive = await rpcError { _ = try await admin.archiveEvents(.with { $0.beforeMs = cut; $0.archivePath = path }) }
                #expect(archive?.code == .invalidArgument && archive?.message.contains("not a regular file") == true, "\(path): \(String(describing: archive))")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["fifo"])
            #expect(try await HealthClient(server.client).check().status == .serving)
            #expect(try await server.store.events(readerID: adaID, beforeID: nil, limit: 100, sinceMs: 0, untilMs: 0, types: []).count == 7)
        }
    }

    @Test("two ArchiveEvents at once: the second is ABORTED (call again), and every event is archived once")
    func oneArchiveAtATime() async throws {
        try await withTestServer { server in
            let admin = AdminClient(server.client)
            let (ada, _) = try await reader(server, "ada")
            for batch in 0..<20 {
                let first = UInt64(batch * 1_000 + 1)
                _ = try await ReaderClient(server.client).appendEvents(Self.events(first...(first + 999)), options: .bearer(ada))
            }
            let cut = Int64(Date().timeIntervalSince1970 * 1000) + 1
            let directory = NSTemporaryDirectory() + "two-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let outcomes = await withTaskGroup(of: Result<UInt64, any Error>.self) { group in
                for name in ["a", "b"] {
                    group.addTask {
                        do {
                            return .success(try await admin.archiveEvents(.with { $0.beforeMs = cut; $0.archivePath = directory + "/\(name).db" }).eventsArchived)
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let moved = outcomes.compactMap { try? $0.get() }
            let refused = outcomes.compactMap { outcome -> RPCError? in
                if case .failure(let error) = outcome { return error as? RPCError }
                return nil
            }
            // Both may succeed if the first ended before the second began; nothing else may happen.
            #expect(moved.reduce(0, +) == 20_000)
            #expect(moved.count + refused.count == 2)
            #expect(refused.allSatisfy { $0.code == .aborted && $0.message.contains("another ArchiveEvents is running") }, "\(refused)")
        }
    }

    /// The sequences in the archive file's events table, by id.
    private func inspectArchive(_ path: String) throws -> [Int64] {
        let output = NSTemporaryDirectory() + "archive-read-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let script = "import sqlite3,sys; print(','.join(str(r[0]) for r in sqlite3.connect(sys.argv[1]).execute('SELECT sequence FROM events ORDER BY id')))"
        _ = try spawnAndWait(["python3", "-c", script, path], stdout: output)
        let text = try String(contentsOfFile: output, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.split(separator: ",").compactMap { Int64($0) }
    }

    @Test("ListAuditLog filters by consultant, reader, action and time, newest first")
    func auditFilters() async throws {
        try await withTestServer { server in
            let admin = AdminClient(server.client), consultants = ConsultantClient(server.client)
            let vic = try await viewer(server)
            let (_, adaID) = try await reader(server, "ada")
            let (_, bobID) = try await reader(server, "bob")
            _ = try await consultants.getReader(.with { $0.readerID = adaID }, options: vic)
            _ = try await consultants.getReader(.with { $0.readerID = bobID }, options: vic)
            _ = try await consultants.listReaderEvents(.with { $0.readerID = adaID }, options: vic)
            let vicID = try #require(try await server.store.consultant(email: "vic@staff.org")).id
            let byVic = try await admin.listAuditLog(.with { $0.consultantID = vicID })
            #expect(byVic.entries.map(\.action) == ["ConsultantService.ListReaderEvents", "ConsultantService.GetReader", "ConsultantService.GetReader"])
            let adaGets = try await admin.listAuditLog(.with { $0.readerID = adaID; $0.action = "ConsultantService.GetReader" })
            #expect(adaGets.entries.count == 1 && adaGets.entries[0].readerID == adaID)
            let future = try await admin.listAuditLog(.with { $0.sinceMs = Int64(Date().timeIntervalSince1970 * 1000) + 60_000 })
            #expect(future.entries.isEmpty)
            let paged = try await admin.listAuditLog(.with { $0.consultantID = vicID; $0.pageSize = 2 })
            let rest = try await admin.listAuditLog(.with { $0.consultantID = vicID; $0.pageSize = 2; $0.pageToken = paged.nextPageToken })
            #expect((paged.entries + rest.entries).map(\.id) == byVic.entries.map(\.id))
            #expect(await status { _ = try await admin.listAuditLog(.with { $0.sinceMs = 10; $0.untilMs = 5 }) } == .invalidArgument)
        }
    }

    @Test("ListReaders finds readers by a prefix of email or name, by status, and online only")
    func readerFilters() async throws {
        try await withTestServer { server in
            let consultants = ConsultantClient(server.client), readers = ReaderClient(server.client), admin = AdminClient(server.client)
            let vic = try await viewer(server)
            let (ada, adaID) = try await reader(server, "ada")
            let (_, adelID) = try await reader(server, "adel")
            let (_, bobID) = try await reader(server, "bob")
            #expect(try await consultants.listReaders(.with { $0.query = "AD" }, options: vic).readers.map(\.id) == [adaID, adelID])
            #expect(try await consultants.listReaders(.with { $0.query = "bob@" }, options: vic).readers.map(\.id) == [bobID])
            _ = try await admin.suspendReader(.with { $0.readerID = adelID; $0.suspended = true })
            #expect(try await consultants.listReaders(.with { $0.status = .suspended }, options: vic).readers.map(\.id) == [adelID])
            _ = try await readers.heartbeat(.with { $0.clientSessionID = "tab" }, options: .bearer(ada))
            var onlineOnly = ListReadersRequest()
            onlineOnly.onlineOnly = true
            let online = try await consultants.listReaders(onlineOnly, options: vic).readers
            #expect(online.map(\.id) == [adaID] && online.first?.online == true)
            var paging = ListReadersRequest()
            paging.query = "a"
            paging.pageSize = 1
            let page = try await consultants.listReaders(paging, options: vic)
            paging.pageToken = page.nextPageToken
            let next = try await consultants.listReaders(paging, options: vic)
            #expect(page.readers.map(\.id) == [adaID] && next.readers.map(\.id) == [adelID])
        }
    }

    @Test("the dashboard counts who is online, recent events, stuck readers, unread messages and readers")
    func dashboard() async throws {
        try await withTestServer { server in
            let consultants = ConsultantClient(server.client), readers = ReaderClient(server.client)
            let vic = try await viewer(server)
            let (ada, _) = try await reader(server, "ada")
            let (bob, _) = try await reader(server, "bob")
            _ = try await readers.appendEvents(Self.events(1...4), options: .bearer(ada))
            _ = try await readers.heartbeat(.with { $0.clientSessionID = "tab" }, options: .bearer(bob))
            _ = try await readers.sendMessage(.with { $0.body = "stuck on chapter 2" }, options: .bearer(bob))
            _ = try await readers.upsertMilestone(.with { $0.contentID = "book"; $0.status = .started }, options: .bearer(bob))
            // Nothing counts as stuck yet with the default 30 minutes; everything with 0 minutes' grace is not allowed, so ask for 1.
            let now = try await consultants.dashboard(DashboardRequest(), options: vic)
            #expect(now.onlineNow == 1 && now.eventsLast5Minutes == 4 && now.eventsLast60Minutes == 4)
            #expect(now.stuckReaders == 0 && now.unreadMessages == 1 && now.totalReaders == 2)
            server.clock.advance(byMs: 61_000)
            let later = try await consultants.dashboard(.with { $0.stuckAfterMinutes = 1 }, options: vic)
            #expect(later.stuckReaders == 1)
        }
    }

    @Test("dashboard counts: fresh for a second, then served at once while one refresh runs, never older than 10 s")
    func dashboardCountsRefresh() async throws {
        try await withTestServer { server in
            let consultants = ConsultantClient(server.client), readers = ReaderClient(server.client)
            let vic = try await viewer(server)
            let (ada, _) = try await reader(server, "ada")
            func unread() async throws -> UInt32 { try await consultants.dashboard(DashboardRequest(), options: vic).unreadMessages }
            #expect(try await unread() == 0)
            _ = try await readers.sendMessage(.with { $0.body = "one" }, options: .bearer(ada))
            // Within the second, the counts are the ones just read.
            #expect(try await unread() == 0)
            // Past it, the old counts come back at once and a refresh starts; its result follows.
            server.clock.advance(byMs: 1_500)
            #expect(try await unread() == 0)
            var refreshed: UInt32 = 0
            for _ in 0..<200 where refreshed == 0 {
                refreshed = try await unread()
                if refreshed == 0 { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(refreshed == 1)
            // Counts older than 10 s are never served: the call waits for new ones.
            _ = try await readers.sendMessage(.with { $0.body = "two" }, options: .bearer(ada))
            server.clock.advance(byMs: 11_000)
            #expect(try await unread() == 2)
        }
    }

    @Test("last-seen times are saved in one write per interval, not per heartbeat, and survive in the store")
    func lastSeen() async throws {
        try await withTestServer { server in
            let readers = ReaderClient(server.client)
            let (ada, adaID) = try await reader(server, "ada")
            var last: Int64 = 0
            for _ in 0..<5 { last = try await readers.heartbeat(.with { $0.clientSessionID = "tab" }, options: .bearer(ada)).serverTimeMs }
            #expect(try await server.store.reader(id: adaID)?.lastSeenAtMs == 0)
            await server.services.presenceKeeper.save()
            #expect(try await server.store.reader(id: adaID)?.lastSeenAtMs == last)
        }
    }
}
