import ArgumentParser
import Foundation
import LecternClient
import LecternProtocol
import LecternStorage
import Synchronization

/// `lectern-bench crash`: writers append events (and send messages and complete milestones)
/// while lecternd is killed with SIGKILL at a random moment, again and again. After each
/// kill the database must pass `PRAGMA integrity_check`; after each restart every
/// acknowledged write must be there exactly once, an unacknowledged one at most once, and
/// retrying the unacknowledged ones must store each exactly once.
struct CrashTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash", abstract: "Kill lecternd with SIGKILL under concurrent writes, restart, and check that nothing acknowledged is lost."
    )

    @Option(help: "Kill-and-restart cycles.") var cycles = 10
    @Option(help: "Durability mode of the server: normal or full.") var durability = "normal"
    @Option(help: "Concurrent writers, each a reader of its own.") var writers = 8
    @Option(help: "Longest time before the kill, in milliseconds (the kill comes at a random moment up to it).") var maxRunMs = 400
    @Option(help: "The lecternd binary; by default the one next to lectern-bench.") var lecternd: String?

    /// What one writer knows of its writes.
    struct Ledger: Sendable {
        var reader: (id: Int64, token: String)
        var nextSequence: UInt64 = 1
        /// Acknowledged event sequences.
        var acknowledged: Set<UInt64> = []
        /// Sent but not acknowledged (the kill came first).
        var unknown: Set<UInt64> = []
        var messages: Set<Int64> = []
        var milestones: Set<String> = []
    }

    func run() async throws {
        guard DurabilityMode(rawValue: durability) != nil else { throw ValidationError("--durability must be normal or full") }
        let directory = NSTemporaryDirectory() + "lectern-crash-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let binary = lecternd ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lecternd").path
        let accounts = try await Accounts.load(databasePath: directory + "/lectern.db", readers: writers, consultants: 0, eventsPerReader: 0)
        var ledgers = accounts.readers.map { Ledger(reader: $0) }
        var acknowledged = 0, lost = 0, duplicates = 0, retried = 0, unknownSeen = 0

        for cycle in 1...cycles {
            let server = try ServerProcess(binary: binary, directory: directory, arguments: ["--durability", durability])
            // Check what the last crash left, then retry what was never acknowledged.
            let check = try await verify(ledgers, socketPath: server.socketPath)
            lost += check.lost
            duplicates += check.duplicates
            unknownSeen += check.unknownStored
            for index in ledgers.indices where !ledgers[index].unknown.isEmpty {
                retried += ledgers[index].unknown.count
                try await retry(&ledgers[index], socketPath: server.socketPath)
            }
            let afterRetry = try await verify(ledgers, socketPath: server.socketPath)
            lost += afterRetry.lost
            duplicates += afterRetry.duplicates

            // Write until a random moment, then SIGKILL.
            let before = ledgers.reduce(0) { $0 + $1.acknowledged.count + $1.messages.count + $1.milestones.count }
            let killAfter = Int.random(in: 20...max(21, maxRunMs))
            let socketPath = server.socketPath
            ledgers = await withTaskGroup(of: Ledger.self) { group in
                for ledger in ledgers {
                    group.addTask { await Self.write(ledger, socketPath: socketPath) }
                }
                try? await Task.sleep(for: .milliseconds(killAfter))
                server.crash()
                var updated: [Ledger] = []
                for await ledger in group { updated.append(ledger) }
                return updated.sorted { $0.reader.id < $1.reader.id }
            }
            let after = ledgers.reduce(0) { $0 + $1.acknowledged.count + $1.messages.count + $1.milestones.count }
            acknowledged += after - before
            // The file as the crash left it must be sound.
            let store = try await SQLiteStore.open(StoreConfiguration(path: directory + "/lectern.db"))
            let integrity = try await store.integrityCheck()
            await store.close()
            guard integrity == ["ok"] else { throw BenchError("cycle \(cycle): integrity_check: \(integrity.joined(separator: "; "))") }
            FileHandle.standardError.write(Data("\rcycle \(cycle)/\(cycles): killed after \(killAfter) ms, \(acknowledged) writes acknowledged so far   ".utf8))
        }
        // A last restart to check the last crash.
        let server = try ServerProcess(binary: binary, directory: directory, arguments: ["--durability", durability])
        let final = try await verify(ledgers, socketPath: server.socketPath)
        lost += final.lost
        duplicates += final.duplicates
        unknownSeen += final.unknownStored
        server.stop()
        FileHandle.standardError.write(Data("\n".utf8))
        print("crash test, durability \(durability): \(cycles) cycles, \(acknowledged) writes acknowledged, \(lost) lost, \(duplicates) duplicates, "
              + "\(retried) unacknowledged retried (\(unknownSeen) of them had been stored), integrity_check ok after every kill")
        if lost > 0 || duplicates > 0 { throw ExitCode(1) }
    }

    /// One writer until the server dies: batches of 1-5 events, now and then a message and
    /// a completed milestone.
    static func write(_ start: Ledger, socketPath: String) async -> Ledger {
        var ledger = start
        let client = RPCClient(socketPath: socketPath)
        let readers = ReaderClient(client)
        let options = CallOptions.bearer(ledger.reader.token, timeout: .seconds(5))
        var round = 0
        while true {
            round += 1
            let count = Int.random(in: 1...5)
            let sequences = (0..<count).map { ledger.nextSequence + UInt64($0) }
            ledger.nextSequence += UInt64(count)
            ledger.unknown.formUnion(sequences)
            do {
                let response = try await readers.appendEvents(.with {
                    $0.events = sequences.map { Workloads.event(session: "crash", sequence: $0, atMs: Workloads.nowMs()) }
                }, options: options)
                guard response.results.count == count else { break }
                ledger.unknown.subtract(sequences)
                ledger.acknowledged.formUnion(sequences)
                if round % 7 == 0 {
                    let message = try await readers.sendMessage(.with { $0.body = "message \(round)" }, options: options)
                    ledger.messages.insert(message.message?.id ?? 0)
                    let content = "content-\(round)"
                    _ = try await readers.upsertMilestone(.with { $0.contentID = content; $0.status = .completed }, options: options)
                    ledger.milestones.insert(content)
                }
            } catch {
                break
            }
        }
        await client.close()
        return ledger
    }

    struct Check {
        var lost = 0
        var duplicates = 0
        var unknownStored = 0
    }

    /// Reads every writer's events, messages and milestones back over RPC.
    func verify(_ ledgers: [Ledger], socketPath: String) async throws -> Check {
        let client = RPCClient(socketPath: socketPath)
        defer { Task { await client.close() } }
        let readers = ReaderClient(client)
        var check = Check()
        for ledger in ledgers {
            let options = CallOptions.bearer(ledger.reader.token, timeout: .seconds(10))
            var counts: [UInt64: Int] = [:]
            var token = ""
            repeat {
                let page = try await readers.listMyEvents(.with { $0.pageSize = 1_000; $0.pageToken = token }, options: options)
                for event in page.events where event.clientSessionID == "crash" { counts[event.sequence, default: 0] += 1 }
                token = page.nextPageToken
            } while !token.isEmpty
            check.lost += ledger.acknowledged.filter { counts[$0] == nil }.count
            check.duplicates += counts.values.filter { $0 > 1 }.count
            check.unknownStored += ledger.unknown.filter { counts[$0] != nil }.count
            var messageIDs: Set<Int64> = []
            token = ""
            repeat {
                let page = try await readers.listMyMessages(.with { $0.pageSize = 1_000; $0.pageToken = token }, options: options)
                messageIDs.formUnion(page.messages.map(\.id))
                token = page.nextPageToken
            } while !token.isEmpty
            check.lost += ledger.messages.subtracting(messageIDs).count
            var contents: Set<String> = []
            token = ""
            repeat {
                let page = try await readers.listMyMilestones(.with { $0.pageSize = 1_000; $0.pageToken = token }, options: options)
                contents.formUnion(page.milestones.filter { $0.status == .completed }.map(\.contentID))
                token = page.nextPageToken
            } while !token.isEmpty
            check.lost += ledger.milestones.subtracting(contents).count
        }
        return check
    }

    /// Sends the unacknowledged events again, as a client retrying after a reconnect would:
    /// each is stored now or reported as a duplicate of its first copy.
    func retry(_ ledger: inout Ledger, socketPath: String) async throws {
        let client = RPCClient(socketPath: socketPath)
        defer { Task { await client.close() } }
        let sequences = ledger.unknown.sorted()
        for start in stride(from: 0, to: sequences.count, by: 1_000) {
            let batch = Array(sequences[start..<min(start + 1_000, sequences.count)])
            let response = try await ReaderClient(client).appendEvents(.with {
                $0.events = batch.map { Workloads.event(session: "crash", sequence: $0, atMs: Workloads.nowMs()) }
            }, options: .bearer(ledger.reader.token, timeout: .seconds(10)))
            guard response.results.count == batch.count else { throw BenchError("a retry was not acknowledged in full") }
        }
        ledger.acknowledged.formUnion(sequences)
        ledger.unknown = []
    }
}
