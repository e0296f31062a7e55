import Foundation
import LecternClient
import LecternProtocol
import LecternServices
import LecternStorage

/// The readers and consultants a workload calls as, with their tokens.
struct Accounts: Sendable {
    var readers: [(id: Int64, token: String)]
    var consultants: [String]

    /// Writes the accounts straight into a fresh database file before lecternd opens it:
    /// thousands of readers in seconds, where signing each up would hash a password each.
    /// Each reader gets `eventsPerReader` events (for the read workloads).
    static func load(databasePath: String, readers: Int, consultants: Int, eventsPerReader: Int) async throws -> Accounts {
        let store = try await SQLiteStore.open(StoreConfiguration(path: databasePath))
        let hash = try Credentials.hashPassword("bench password", strength: .minimum)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let year: Int64 = 365 * 86_400_000
        var made: [(Int64, String)] = []
        for start in stride(from: 0, to: readers, by: 256) {
            made += try await withThrowingTaskGroup(of: (Int64, String).self) { group in
                for n in start..<min(start + 256, readers) {
                    group.addTask {
                        let reader = try await store.createReader(NewReader(email: "reader\(n)@bench.org", displayName: "Reader \(n)", passwordHash: hash))
                        let token = Credentials.newToken()
                        try await store.createSession(SessionRecord(
                            tokenHash: Credentials.tokenHash(token), accountKind: 1, accountID: reader.id, createdAtMs: now, expiresAtMs: now + year
                        ))
                        if eventsPerReader > 0 {
                            let events = (1...eventsPerReader).map { Workloads.event(session: "seed", sequence: UInt64($0), atMs: now) }
                            for batch in stride(from: 0, to: events.count, by: 1_000) {
                                _ = try await store.appendEvents(readerID: reader.id, Array(events[batch..<min(batch + 1_000, events.count)]).map(Workloads.newEvent))
                            }
                        }
                        return (reader.id, token)
                    }
                }
                var chunk: [(Int64, String)] = []
                for try await pair in group { chunk.append(pair) }
                return chunk
            }
        }
        var tokens: [String] = []
        for n in 0..<consultants {
            let consultant = try await store.createConsultant(NewConsultant(email: "consultant\(n)@bench.org", displayName: "Consultant \(n)", passwordHash: hash, role: 2))
            let token = Credentials.newToken()
            try await store.createSession(SessionRecord(
                tokenHash: Credentials.tokenHash(token), accountKind: 2, accountID: consultant.id, createdAtMs: now, expiresAtMs: now + year
            ))
            tokens.append(token)
        }
        await store.close()
        return Accounts(readers: made.sorted { $0.0 < $1.0 }, consultants: tokens)
    }

    /// Sessions for existing readers (by id) and new consultants, written into the file
    /// before lecternd opens it.
    static func sessions(databasePath: String, readerIDs: [Int64], consultants: Int) async throws -> Accounts {
        let store = try await SQLiteStore.open(StoreConfiguration(path: databasePath))
        let hash = try Credentials.hashPassword("bench password", strength: .minimum)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var readers: [(Int64, String)] = []
        for id in readerIDs {
            let token = Credentials.newToken()
            try await store.createSession(SessionRecord(
                tokenHash: Credentials.tokenHash(token), accountKind: 1, accountID: id, createdAtMs: now, expiresAtMs: now + 86_400_000
            ))
            readers.append((id, token))
        }
        var tokens: [String] = []
        for n in 0..<consultants {
            let email = "consultant\(n)-\(UUID().uuidString.prefix(6))@bench.org"
            let consultant = try await store.createConsultant(NewConsultant(email: email, displayName: "Consultant \(n)", passwordHash: hash, role: 2))
            let token = Credentials.newToken()
            try await store.createSession(SessionRecord(
                tokenHash: Credentials.tokenHash(token), accountKind: 2, accountID: consultant.id, createdAtMs: now, expiresAtMs: now + 86_400_000
            ))
            tokens.append(token)
        }
        await store.close()
        return Accounts(readers: readers, consultants: tokens)
    }

    /// Against a running server: signs readers up and, as the socket's owner, creates
    /// consultants and logs them in. Each sign-up hashes a password, so this is slow.
    static func signUp(socketPath: String, readers: Int, consultants: Int) async throws -> Accounts {
        let client = RPCClient(socketPath: socketPath)
        defer { Task { await client.close() } }
        let run = UUID().uuidString.prefix(8)
        var made: [(Int64, String)] = []
        for n in 0..<readers {
            let response = try await AuthClient(client).signUp(.with {
                $0.email = "reader\(n)-\(run)@bench.org"; $0.password = "bench password"; $0.displayName = "Reader \(n)"
            })
            made.append((response.reader?.id ?? 0, response.token))
        }
        var tokens: [String] = []
        for n in 0..<consultants {
            let email = "consultant\(n)-\(run)@bench.org"
            _ = try await AdminClient(client).createConsultant(.with {
                $0.email = email; $0.password = "bench password"; $0.displayName = "Consultant \(n)"; $0.role = .supervisor
            })
            tokens.append(try await AuthClient(client).login(.with { $0.email = email; $0.password = "bench password"; $0.accountKind = .consultant }).token)
        }
        return Accounts(readers: made, consultants: tokens)
    }
}
