import ArgumentParser
import Foundation
import LecternProtocol

/// lectern-bench: Lectern's benchmarks. Parses arguments and runs the one chosen.
@main
struct LecternBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lectern-bench",
        abstract: "Lectern's benchmarks; build with -c release before trusting a figure.",
        subcommands: [Codec.self]
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
}
