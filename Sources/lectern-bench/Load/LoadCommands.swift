import ArgumentParser
import Foundation
import LecternClient

/// Where a workload runs: a lecternd the benchmark starts on a fresh database, or a running one.
struct Target: ParsableArguments {
    @Option(help: "Use the lecternd already serving this socket (accounts are then signed up over RPC, slowly).")
    var socket: String?

    @Option(help: "The lecternd binary to start; by default the one next to lectern-bench.")
    var lecternd: String?

    @Option(help: "Seconds measured (after the warm-up).")
    var seconds = 10.0

    @Option(help: "Seconds of warm-up, not measured.")
    var warmup = 2.0

    @Flag(help: "Print the report as JSON.")
    var json = false

    /// Runs `workload` for warm-up plus `seconds` against the target and prints the report.
    func run(
        _ name: String, parameters: [String: String], readers: Int, consultants: Int, eventsPerReader: Int = 0,
        eventsPerCall: [String: Int] = [:],
        _ workload: @escaping @Sendable (Accounts, String, Recorder, Double) async throws -> Void
    ) async throws {
        var server: ServerProcess?
        var directory: String?
        let accounts: Accounts
        let socketPath: String
        if let socket {
            socketPath = socket
            accounts = try await Accounts.signUp(socketPath: socket, readers: readers, consultants: consultants)
        } else {
            let path = NSTemporaryDirectory() + "lectern-bench-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            directory = path
            let loaded = ContinuousClock.now
            accounts = try await Accounts.load(databasePath: path + "/lectern.db", readers: readers, consultants: consultants, eventsPerReader: eventsPerReader)
            FileHandle.standardError.write(Data("loaded \(readers) readers and \(consultants) consultants in \(ContinuousClock.now - loaded)\n".utf8))
            let binary = lecternd ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lecternd").path
            server = try ServerProcess(binary: binary, directory: path)
            socketPath = server?.socketPath ?? ""
        }
        defer {
            server?.stop()
            if let directory { try? FileManager.default.removeItem(atPath: directory) }
        }
        let recorder = Recorder()
        let (running, warmup) = (server, warmup)
        let measuring = Task {
            try? await Task.sleep(for: .milliseconds(Int64(warmup * 1000)))
            recorder.reset()
            return running?.cpuSeconds ?? 0
        }
        let progress = showProgress(recorder, seconds: warmup + seconds, label: name)
        let started = ContinuousClock.now
        try await workload(accounts, socketPath, recorder, warmup + seconds)
        let elapsed = ContinuousClock.now - started
        progress.cancel()
        _ = await progress.value
        let cpuAtStart = await measuring.value
        let measured = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18 - warmup
        let figures = server.map { server in
            Report.Server(
                cpuPercent: (server.cpuSeconds - cpuAtStart) / measured * 100,
                peakRSSMB: Double(server.peakRSSBytes) / 1_048_576, walMB: Double(server.walBytes) / 1_048_576
            )
        }
        let report = Report(workload: name, parameters: parameters, seconds: measured, recorder: recorder, eventsPerCall: eventsPerCall, server: figures)
        if json { print(report.json()) } else { report.printTable() }
    }
}

extension LecternBench {
    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Closed-loop AppendEvents over the socket: one reader per concurrent call.")
        @OptionGroup var target: Target
        @Option(help: "Concurrent calls (each as its own reader).") var concurrency = 256
        @Option(help: "Events per call.") var batch = 1
        @Option(help: "Connections the calls are spread over.") var connections = 8

        func run() async throws {
            let (batch, connections) = (batch, connections)
            try await target.run(
                "ingest", parameters: ["concurrency": "\(concurrency)", "batch": "\(batch)", "connections": "\(connections)"],
                readers: concurrency, consultants: 0, eventsPerCall: ["AppendEvents": batch]
            ) { accounts, socket, recorder, seconds in
                let pool = try await Workloads.connect(socket, count: connections)
                await Workloads.ingest(accounts, connections: pool, batch: batch, seconds: seconds, recorder: recorder)
                for connection in pool { await connection.close() }
            }
        }
    }

    struct Reads: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Closed-loop GetMyState and ListMyEvents (50 per page) over the socket.")
        @OptionGroup var target: Target
        @Option(help: "Concurrent calls.") var concurrency = 64
        @Option(help: "Readers, each with --events-per-reader events.") var readers = 64
        @Option(help: "Events stored for each reader before the run.") var eventsPerReader = 200
        @Option(help: "Connections the calls are spread over.") var connections = 8
        @Option(help: "Which reads: both (alternating), state (GetMyState only) or events (ListMyEvents only).")
        var only = Workloads.ReadMix.both

        func run() async throws {
            let (concurrency, connections, mix) = (concurrency, connections, only)
            // Readers signed up on a running lecternd have no events.
            let stored = target.socket == nil ? eventsPerReader : 0
            try await target.run(
                "reads", parameters: ["concurrency": "\(concurrency)", "readers": "\(readers)", "connections": "\(connections)", "reads": mix.rawValue],
                readers: readers, consultants: 0, eventsPerReader: eventsPerReader
            ) { accounts, socket, recorder, seconds in
                let pool = try await Workloads.connect(socket, count: connections)
                await Workloads.reads(
                    accounts, eventsPerReader: stored, connections: pool, concurrency: concurrency, seconds: seconds, mix: mix, recorder: recorder
                )
                for connection in pool { await connection.close() }
            }
        }
    }

    struct Mission: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The mission: readers heartbeating and reading at a realistic pace, consultants watching and polling."
        )
        @OptionGroup var target: Target
        @Option(help: "Readers.") var readers = 1_000
        @Option(help: "Consultants, each with a Watch stream.") var consultants = 20
        @Option(help: "Seconds between a reader's heartbeats.") var heartbeatSeconds = 5.0
        @Option(help: "Mean seconds between a reader's events.") var eventSeconds = 3.0
        @Option(help: "Seconds between a consultant's rounds of Dashboard, ListActiveReaders and ListReaderEvents.") var consultantSeconds = 1.0
        @Option(help: "Gateway connections the readers' calls share.") var gateways = 16
        @Option(help: "Events stored for each reader before the run.") var eventsPerReader = 20

        func run() async throws {
            let mission = Workloads.Mission(heartbeatSeconds: heartbeatSeconds, eventSeconds: eventSeconds, consultantSeconds: consultantSeconds)
            let gateways = gateways
            try await target.run(
                "mission",
                parameters: [
                    "readers": "\(readers)", "consultants": "\(consultants)", "heartbeat_s": "\(heartbeatSeconds)",
                    "event_s": "\(eventSeconds)", "consultant_s": "\(consultantSeconds)", "gateways": "\(gateways)",
                ],
                readers: readers, consultants: consultants, eventsPerReader: eventsPerReader
            ) { accounts, socket, recorder, seconds in
                try await Workloads.mission(accounts, socketPath: socket, gatewayConnections: gateways, mission: mission, seconds: seconds, recorder: recorder)
            }
        }
    }
}

extension LecternBench {
    struct Scale: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill a database with many readers and events, then run the mission on it, consultants reading any reader's history."
        )
        @Option(help: "Readers in the database.") var readers = 1_000_000
        @Option(help: "Events in the database.") var events = 50_000_000
        @Option(help: "A database directory to fill (or, if it holds lectern.db, to reuse); a temporary one by default.") var directory: String?
        @Option(help: "Readers of the database that take part in the mission.") var activeReaders = 1_000
        @Option(help: "Consultants, each with a Watch stream.") var consultants = 20
        @Option(help: "Seconds measured.") var seconds = 30.0
        @Option(help: "The lecternd binary; by default the one next to lectern-bench.") var lecternd: String?
        @Flag(help: "Print the report as JSON.") var json = false

        func run() async throws {
            let path = directory ?? NSTemporaryDirectory() + "lectern-scale-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            defer { if directory == nil { try? FileManager.default.removeItem(atPath: path) } }
            let database = path + "/lectern.db"
            if !FileManager.default.fileExists(atPath: database) {
                let loaded = try await ScaleLoader.load(path: database, readers: readers, events: events) { done in
                    FileHandle.standardError.write(Data("\rloading: \(done) of \(events) events   ".utf8))
                }
                let size = ((try? FileManager.default.attributesOfItem(atPath: database))?[.size] as? Int) ?? 0
                FileHandle.standardError.write(Data(String(
                    format: "\nloaded %d readers and %d events in %.0f s (%.0f events/s), database %.1f GB\n",
                    loaded.readers, loaded.events, loaded.seconds, Double(loaded.events) / loaded.seconds, Double(size) / 1e9
                ).utf8))
            }
            let sample = (0..<activeReaders).map { Int64(($0 * 104_729) % readers + 1) }
            let accounts = try await Accounts.sessions(databasePath: database, readerIDs: sample, consultants: consultants)
            let binary = lecternd ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lecternd").path
            let server = try ServerProcess(binary: binary, directory: path)
            defer { server.stop() }
            var mission = Workloads.Mission()
            mission.historyReaders = 1...Int64(readers)
            let recorder = Recorder()
            let progress = showProgress(recorder, seconds: seconds, label: "scale")
            let cpu = server.cpuSeconds
            let started = ContinuousClock.now
            try await Workloads.mission(accounts, socketPath: server.socketPath, gatewayConnections: 16, mission: mission, seconds: seconds, recorder: recorder)
            let elapsed = ContinuousClock.now - started
            progress.cancel()
            _ = await progress.value
            let measured = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let report = Report(
                workload: "scale",
                parameters: ["readers": "\(readers)", "events": "\(events)", "active_readers": "\(activeReaders)", "consultants": "\(consultants)"],
                seconds: measured, recorder: recorder,
                server: Report.Server(
                    cpuPercent: (server.cpuSeconds - cpu) / measured * 100, peakRSSMB: Double(server.peakRSSBytes) / 1_048_576,
                    walMB: Double(server.walBytes) / 1_048_576
                )
            )
            if json { print(report.json()) } else { report.printTable() }
        }
    }
}

extension Workloads.ReadMix: ExpressibleByArgument {}
