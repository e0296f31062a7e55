import Foundation
import Glibc
import LecternClient
import LecternProtocol
import LecternStorage
import LecternTestSupport
import Testing
@testable import LecternServices

/// The database on a small tmpfs that fills up. Needs root (to mount); skipped otherwise.
@Suite("A full disk")
struct DiskFullTests {
    static let canMount: Bool = {
        guard getuid() == 0 else { return false }
        let probe = "/tmp/lectern-mount-probe-\(getpid())"
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard run("/bin/mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe) else { return false }
        return run("/bin/umount", probe)
    }()

    @discardableResult
    static func run(_ tool: String, _ arguments: String...) -> Bool {
        (try? spawnAndWait([tool] + arguments)) == 0
    }

    /// Writes zeros into `path` until the file system refuses.
    static func fill(_ path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
    }

    @Test("writes fail with RESOURCE_EXHAUSTED (STORAGE_FULL), reads go on, writes resume when space returns; nothing acknowledged is lost",
          .enabled(if: canMount, "needs root to mount a tmpfs"))
    func diskFull() async throws {
        let mount = "/tmp/lectern-full-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        #expect(Self.run("/bin/mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mount))
        defer {
            Self.run("/bin/umount", "-l", mount)
            try? FileManager.default.removeItem(atPath: mount)
        }
        try await withTestServer(databaseDirectory: mount) { server in
            let readers = ReaderClient(server.client)
            let token = try await server.auth.signUp(.with { $0.email = "ada@example.org"; $0.password = "password ada"; $0.displayName = "Ada" }).token
            let options = CallOptions.bearer(token)
            _ = try await readers.appendEvents(.with { $0.events = [EventInput.with { $0.clientSessionID = "s"; $0.sequence = 1; $0.type = "first" }] }, options: options)
            // Fill the disk, then free 512 KiB: some writes fit, then none.
            Self.fill(mount + "/filler")
            let size = try #require(try FileManager.default.attributesOfItem(atPath: mount + "/filler")[.size] as? Int)
            #expect(truncate(mount + "/filler", off_t(size - 512 * 1024)) == 0)
            var acknowledged = 1
            var refusal: RPCError?
            var sequence: UInt64 = 1
            for _ in 0..<2_000 {
                let batch = AppendEventsRequest.with {
                    $0.events = (0..<50).map { _ in
                        sequence += 1
                        return EventInput.with { $0.clientSessionID = "s"; $0.sequence = sequence; $0.type = "page_view"; $0.payload = Array(repeating: 7, count: 2_000) }
                    }
                }
                do {
                    acknowledged += try await readers.appendEvents(batch, options: options).results.count
                } catch let error as RPCError {
                    refusal = error
                    break
                }
            }
            #expect(refusal?.code == .resourceExhausted && refusal?.details?.reason == "STORAGE_FULL", "\(String(describing: refusal))")
            // Reads go on, and see every acknowledged event.
            #expect(try await readers.getMyState(options: options).state?.eventCount == UInt64(acknowledged))
            #expect(acknowledged > 50, "some writes fit before the disk filled")
            #expect(try await readers.listMyEvents(.with { $0.pageSize = 5 }, options: options).events.count == 5)
            // Space returns: writes resume.
            try FileManager.default.removeItem(atPath: mount + "/filler")
            let after = try await readers.appendEvents(.with {
                $0.events = [EventInput.with { $0.clientSessionID = "s"; $0.sequence = sequence + 1; $0.type = "after" }]
            }, options: options)
            #expect(after.results.count == 1 && !after.results[0].duplicate)
            #expect(try await readers.getMyState(options: options).state?.eventCount == UInt64(acknowledged + 1))
            #expect(try await server.store.integrityCheck() == ["ok"])
        }
    }
}
