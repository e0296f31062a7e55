import ArgumentParser
import Foundation
import LecternClient
import LecternProtocol

/// lectern: the command-line client. Parses arguments, makes the call, prints the answer.
@main
struct Lectern: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lectern",
        abstract: "Talk to a running lecternd.",
        subcommands: [Health.self]
    )

    struct Connection: ParsableArguments {
        @Option(help: "Path of lecternd's Unix socket.")
        var socket = "./lectern.sock"

        @Flag(help: "Print JSON instead of text.")
        var json = false

        @Option(help: "Seconds to wait for an answer.")
        var timeoutSeconds = 5.0

        var options: CallOptions { CallOptions(timeout: .milliseconds(Int64(timeoutSeconds * 1000))) }

        func client() -> RPCClient {
            var backoff = RPCClient.Backoff()
            backoff.attempts = 2
            return RPCClient(socketPath: socket, backoff: backoff)
        }
    }

    struct Health: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print whether the server (or one service) is serving; exit 1 if not.")

        @OptionGroup var connection: Connection

        @Option(help: "A service name such as lectern.v1.HealthService; empty for the whole server.")
        var service = ""

        func run() async throws {
            let client = connection.client()
            let response: HealthCheckResponse
            do {
                response = try await HealthClient(client).check(service: service, options: connection.options)
            } catch let error as RPCError {
                printError(error)
                throw ExitCode(2)
            }
            let name = response.status.description.replacingOccurrences(of: "SERVING_STATUS_", with: "")
            if connection.json {
                print(#"{"service":"\#(service)","status":"\#(name)"}"#)
            } else {
                print(name)
            }
            if response.status != .serving { throw ExitCode(1) }
        }
    }
}

func printError(_ error: RPCError) {
    FileHandle.standardError.write(Data("lectern: \(error.code): \(error.message)\n".utf8))
}
