import Foundation
import LecternClient
import LecternProtocol
import LecternStorage
import Testing
@testable import LecternServices

@Suite("AdminService over a real socket")
struct AdminServiceTests {
    @Test("the socket's owner bootstraps the first admin, who then manages roles; every action is audited")
    func bootstrap() async throws {
        try await withAuthServer { auth, _, _ in
            let admin = AdminClient(auth.client)
            // No token: this test process owns the socket.
            let first = try #require(try await admin.createConsultant(.with {
                $0.email = "Root@Staff.org"; $0.password = "a long admin password"; $0.displayName = "Root"; $0.role = .admin
            }).consultant)
            #expect(first.email == "root@staff.org" && first.role == .admin)
            let token = try await auth.login(.with { $0.email = "root@staff.org"; $0.password = "a long admin password"; $0.accountKind = .consultant }).token
            let viewer = try #require(try await admin.createConsultant(.with {
                $0.email = "vic@staff.org"; $0.password = "viewer password"; $0.displayName = "Vic"; $0.role = .viewer
            }, options: .bearer(token)).consultant)
            let promoted = try await admin.setConsultantRole(.with { $0.consultantID = viewer.id; $0.role = .supervisor }, options: .bearer(token))
            #expect(promoted.consultant?.role == .supervisor)
            #expect(await status { _ = try await admin.setConsultantRole(.with { $0.consultantID = 999; $0.role = .viewer }, options: .bearer(token)) } == .notFound)

            let log = try await admin.listAuditLog(ListAuditLogRequest(), options: .bearer(token))
            #expect(log.entries.map(\.action).prefix(3) == ["AdminService.ListAuditLog", "AdminService.SetConsultantRole", "AdminService.SetConsultantRole"])
            #expect(log.entries.last?.actorKind == .socketOwner && log.entries.last?.action == "AdminService.CreateConsultant")

            let vicToken = try await auth.login(.with { $0.email = "vic@staff.org"; $0.password = "viewer password"; $0.accountKind = .consultant }).token
            #expect(await status { _ = try await admin.stats(options: .bearer(vicToken)) } == .permissionDenied)
            let reader = try await auth.signUp(.with { $0.email = "ada@example.org"; $0.password = "reader password"; $0.displayName = "Ada" })
            #expect(await status { _ = try await admin.stats(options: .bearer(reader.token)) } == .permissionDenied)
            #expect(try await admin.stats(options: .bearer(token)).pageCount > 0)
        }
    }

    @Test("an online backup over RPC streams its progress and opens as a sound database")
    func backup() async throws {
        try await withAuthServer { auth, _, _ in
            let admin = AdminClient(auth.client), readers = ReaderClient(auth.client)
            let ada = try await auth.signUp(.with { $0.email = "ada@example.org"; $0.password = "reader password"; $0.displayName = "Ada" })
            _ = try await readers.appendEvents(.with {
                $0.events = (1...500).map { (n: UInt64) in EventInput.with { $0.clientSessionID = "t"; $0.sequence = n; $0.type = "page_view"; $0.payload = [UInt8](repeating: 1, count: 200) } }
            }, options: .bearer(ada.token))
            let directory = "/tmp/lb-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var steps: [BackupProgress] = []
            for try await step in try await admin.backup(.with { $0.destinationPath = directory + "/copy.db"; $0.pagesPerStep = 8 }) {
                steps.append(step)
            }
            #expect(steps.count > 2 && steps.last?.done == true)
            #expect(steps.last?.pagesCopied == steps.last?.pagesTotal)
            let copy = try await SQLiteStore.open(StoreConfiguration(path: directory + "/copy.db"))
            #expect(try await copy.integrityCheck() == ["ok"])
            #expect(try await copy.readerState(readerID: ada.reader?.id ?? 0)?.eventCount == 500)
            await copy.close()
            #expect(await status { for try await _ in try await admin.backup(.with { $0.destinationPath = directory + "/copy.db" }) {} } == .alreadyExists)
            #expect(await status { for try await _ in try await admin.backup(.with { $0.destinationPath = "relative.db" }) {} } == .invalidArgument)
        }
    }
    @Test("an admin by token writes backups and archives only in the admin file directory; the socket's owner anywhere")
    func fileDirectory() async throws {
        let allowed = "/tmp/lf-\(UUID().uuidString.prefix(8))", elsewhere = "/tmp/lf-\(UUID().uuidString.prefix(8))"
        for directory in [allowed, elsewhere] { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        try FileManager.default.createSymbolicLink(atPath: allowed + "/out", withDestinationPath: elsewhere)
        // A link to a directory below the other one: "hop/.." is `elsewhere` to the kernel
        // (and to SQLite), `allowed` to a lexical check.
        try FileManager.default.createDirectory(atPath: elsewhere + "/below", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: allowed + "/hop", withDestinationPath: elsewhere + "/below")
        // A link left in the directory to a file that does not exist yet, outside it.
        try FileManager.default.createSymbolicLink(atPath: allowed + "/dangling.db", withDestinationPath: elsewhere + "/through-link.db")
        defer { for directory in [allowed, elsewhere] { try? FileManager.default.removeItem(atPath: directory) } }
        try await withTestServer(configure: { $0.adminFileDirectory = allowed }) { server in
            let admin = AdminClient(server.auth.client)
            _ = try await admin.createConsultant(.with {
                $0.email = "root@staff.org"; $0.password = "a long admin password"; $0.displayName = "Root"; $0.role = .admin
            })
            let token = CallOptions.bearer(try await server.auth.login(.with {
                $0.email = "root@staff.org"; $0.password = "a long admin password"; $0.accountKind = .consultant
            }).token)
            func backup(_ path: String, _ options: CallOptions) async -> RPCStatusCode {
                await status { for try await _ in try await admin.backup(.with { $0.destinationPath = path }, options: options) {} }
            }
            #expect(await backup(allowed + "/copy.db", token) == .ok)
            #expect(FileManager.default.fileExists(atPath: allowed + "/copy.db"))
            for outside in [elsewhere + "/copy.db", allowed + "/../" + elsewhere.dropFirst(5) + "/copy.db", allowed + "/out/copy.db", allowed + "/.hidden.db"] {
                #expect(await backup(outside, token) == .permissionDenied, "\(outside)")
            }
            // SQLite sees the path up to a NUL byte; the check would see all of it.
            let truncated = elsewhere + "/nul.db\u{0}/../../.." + allowed + "/copy2.db"
            #expect(await backup(truncated, token) == .invalidArgument)
            #expect(await status { _ = try await admin.archiveEvents(.with { $0.beforeMs = 1; $0.archivePath = truncated }, options: token) } == .invalidArgument)
            #expect(!FileManager.default.fileExists(atPath: elsewhere + "/nul.db"))
            #expect(await status { _ = try await admin.archiveEvents(.with { $0.beforeMs = 1; $0.archivePath = elsewhere + "/archive.db" }, options: token) } == .permissionDenied)
            #expect(!FileManager.default.fileExists(atPath: elsewhere + "/copy.db") && !FileManager.default.fileExists(atPath: elsewhere + "/archive.db"))
            #expect(await backup(allowed + "/hop/../escape.db", token) == .permissionDenied)
            #expect(await status { _ = try await admin.archiveEvents(.with { $0.beforeMs = 1; $0.archivePath = allowed + "/hop/../escape.db" }, options: token) } == .permissionDenied)
            #expect(!FileManager.default.fileExists(atPath: elsewhere + "/escape.db"))
            #expect(await backup(allowed + "/dangling.db", token) == .permissionDenied)
            #expect(await status { _ = try await admin.archiveEvents(.with { $0.beforeMs = 1; $0.archivePath = allowed + "/dangling.db" }, options: token) } == .permissionDenied)
            #expect(!FileManager.default.fileExists(atPath: elsewhere + "/through-link.db"))
            // The socket's owner (no token) runs as the server's user already.
            #expect(await backup(elsewhere + "/owner.db", CallOptions()) == .ok)
        }
    }
}
