import ArgumentParser
import Foundation
import LecternProtocol
import LecternStorage

/// lectern-bench: Lectern's benchmarks. Parses arguments and runs the one chosen.
@main
struct LecternBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lectern-bench",
        abstract: "Lectern's benchmarks; build with -c release before trusting a figure.",
        subcommands: [Ingest.self, Reads.self, Mission.self, Scale.self, CrashTest.self, Codec.self, StoreCommand.self, RPC.self, Schema.self]
    )

    struct Codec: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encode and decode an AppendEventsRequest of typical events on one thread."
        )

        @Option(help: "Events in the request.")
        var events = 100

        @Option(help: "Seconds each round runs.")
        var seconds = 1.0

        @Option(help: "Rounds; the best and the median are reported.")
        var rounds = 5

        func run() throws {
            let benchmark = CodecBenchmark(eventsPerRequest: events, secondsPerRound: seconds, rounds: rounds)
            let bytes = benchmark.makeRequest().serializedBytes().count
            print("AppendEventsRequest: \(events) events, \(bytes) bytes; \(rounds) rounds of \(seconds) s on one thread")
            for result in try benchmark.run() {
                let line = String(
                    format: "%@: best %.2f M events/s, median %.2f M events/s (%.0f ns/event)",
                    result.name, result.best / 1e6, result.median / 1e6, 1e9 / result.best
                )
                print(line)
            }
        }
    }

    struct StoreCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "store",
            abstract: "The store without sockets: concurrent single-event ingest, then reads from the pool."
        )

        @Option(help: "Directory for the database (a fresh one is made under /tmp by default).")
        var directory: String?

        @Option(help: "Concurrent submitters, each appending one event per call.")
        var submitters = 256

        @Option(help: "Seconds of ingest.")
        var ingestSeconds = 5.0

        @Option(help: "Seconds of each read measurement.")
        var readSeconds = 3.0

        @Option(help: "Concurrent readers.")
        var readConcurrency = 16

        @Option(help: "Durability mode: normal or full.")
        var durability = "normal"

        func run() async throws {
            guard let mode = DurabilityMode(rawValue: durability) else {
                throw ValidationError("--durability must be normal or full")
            }
            let path = directory ?? "/tmp/lectern-bench-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            defer { if directory == nil { try? FileManager.default.removeItem(atPath: path) } }
            let benchmark = StoreBenchmark(
                directory: path, submitters: submitters, ingestSeconds: ingestSeconds,
                readSeconds: readSeconds, readConcurrency: readConcurrency, durability: mode
            )
            print("durability \(mode.rawValue), 2 read connections")
            for measurement in try await benchmark.run() {
                print(String(
                    format: "%@: %.0f/s (%d in %.1f s), p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs",
                    measurement.name, measurement.perSecond, measurement.operations, measurement.seconds,
                    measurement.percentile(0.5), measurement.percentile(0.99), measurement.percentile(0.999)
                ))
            }
        }
    }

    struct RPC: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rpc",
            abstract: "Unary HealthService.Check calls against a running lecternd, at each concurrency given."
        )

        @Option(help: "lecternd's socket.")
        var socket = "./lectern.sock"

        @Option(parsing: .upToNextOption, help: "Concurrent calls, one measurement each.")
        var concurrency: [Int] = [1, 16, 256]

        @Option(help: "Connections the calls are spread over.")
        var connections = 4

        @Option(help: "Seconds per measurement.")
        var seconds = 5.0

        func run() async throws {
            for level in concurrency {
                let result = try await RPCBenchmark(socketPath: socket, concurrency: level, connections: connections, seconds: seconds).run()
                print(String(
                    format: "unary Check, %d concurrent on %d connections: %.0f calls/s, p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs",
                    level, min(connections, level), result.perSecond, result.percentile(0.5), result.percentile(0.99), result.percentile(0.999)
                ))
            }
        }
    }

    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the schema's SQL, every migration in order (for the C floor).")

        func run() {
            for migration in SQLiteStore.migrations { print(migration.sql + ";") }
        }
    }
}
