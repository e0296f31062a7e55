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
        subcommands: [
            Health.self, SignUp.self, Login.self, WhoAmI.self, Logout.self,
            Heartbeat.self, Append.self, Import.self, Events.self, State.self, Milestone.self, Milestones.self, Send.self, Messages.self, MarkRead.self,
            Watch.self, ConsultantCommands.self, Admin.self,
        ]
    )

    struct Connection: ParsableArguments {
        @Option(help: "Path of lecternd's Unix socket.")
        var socket = "./lectern.sock"

        @Flag(help: "Print JSON instead of text.")
        var json = false

        @Option(help: "Seconds to wait for an answer.")
        var timeoutSeconds = 5.0

        @Flag(help: "Send no token: call as the socket's owner (the user lecternd runs as).")
        var noToken = false

        var options: CallOptions { CallOptions(timeout: .milliseconds(Int64(timeoutSeconds * 1000))) }

        func validate() throws {
            guard timeoutSeconds > 0, timeoutSeconds <= 86_400 else {
                throw ValidationError("--timeout-seconds must be more than 0 and at most 86,400, got \(timeoutSeconds)")
            }
        }

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

        @Flag(help: "Keep printing the status each time it changes (HealthService.Watch).")
        var watch = false

        func run() async throws {
            let client = connection.client()
            if watch {
                var options = connection.options
                options.timeout = nil
                try await call {
                    for try await status in try await HealthClient(client).watch(service: service, options: options) {
                        connection.showLive(status) { $0.status.description.replacingOccurrences(of: "SERVING_STATUS_", with: "") }
                    }
                }
                return
            }
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

extension Lectern {
    struct Password: ParsableArguments {
        @Option(help: "The password (visible to other users in the process list; prefer --password-stdin).")
        var password: String?

        @Flag(help: "Read the password from the first line of standard input.")
        var passwordStdin = false

        func value() throws -> String {
            if let password { return password }
            if passwordStdin, let line = readLine(strippingNewline: true) { return line }
            throw ValidationError("give --password or --password-stdin")
        }
    }

    struct SignUp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "signup", abstract: "Create a reader account and keep its token.")

        @OptionGroup var connection: Connection
        @Option(help: "The reader's email.") var email: String
        @Option(help: "The name shown to consultants.") var name: String
        @OptionGroup var password: Password

        func run() async throws {
            let request = SignUpRequest.with {
                $0.email = email
                $0.password = (try? password.value()) ?? ""
                $0.displayName = name
            }
            let response = try await call { try await AuthClient(connection.client()).signUp(request, options: connection.options) }
            try TokenFile.save(response.token)
            let reader = response.reader ?? Reader()
            if connection.json {
                print(#"{"reader_id":\#(reader.id),"email":"\#(reader.email)","expires_at_ms":\#(response.expiresAtMs)}"#)
            } else {
                print("signed up reader \(reader.id) <\(reader.email)>; token saved to \(TokenFile.path)")
            }
        }
    }

    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Log in and keep the token.")

        @OptionGroup var connection: Connection
        @Option(help: "The account's email.") var email: String
        @Flag(help: "Log in to a consultant account.") var consultant = false
        @OptionGroup var password: Password

        func run() async throws {
            let secret = try password.value()
            let request = LoginRequest.with {
                $0.email = email
                $0.password = secret
                $0.accountKind = consultant ? .consultant : .reader
            }
            let response = try await call { try await AuthClient(connection.client()).login(request, options: connection.options) }
            try TokenFile.save(response.token)
            let kind = response.accountKind == .consultant ? "consultant" : "reader"
            if connection.json {
                print(#"{"account_kind":"\#(kind)","account_id":\#(response.accountID),"expires_at_ms":\#(response.expiresAtMs)}"#)
            } else {
                print("logged in as \(kind) \(response.accountID); token saved to \(TokenFile.path)")
            }
        }
    }

    struct WhoAmI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Say who the saved token (or LECTERN_TOKEN) belongs to.")

        @OptionGroup var connection: Connection

        func run() async throws {
            let options = try connection.authorized()
            let me = try await call { try await AuthClient(connection.client()).whoAmI(options: options) }
            let description: String
            switch me.account {
            case .reader(let reader)?: description = "reader \(reader.id) <\(reader.email)> \(reader.displayName)"
            case .consultant(let consultant)?: description = "consultant \(consultant.id) <\(consultant.email)> \(consultant.displayName), \(consultant.role)"
            case nil: description = me.kind == .socketOwner ? "the socket's owner (no token)" : "\(me.kind)"
            }
            connection.show(me) { _ in description }
        }
    }

    struct Logout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke the saved token and forget it.")

        @OptionGroup var connection: Connection

        func run() async throws {
            let options = try connection.authorized()
            _ = try await call { try await AuthClient(connection.client()).logout(options: options) }
            TokenFile.remove()
            if !connection.json { print("logged out") }
        }
    }
}

extension Lectern {
    struct Admin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Administration: as an admin consultant (saved token or LECTERN_TOKEN) or as the socket's owner.",
            subcommands: [
                Bootstrap.self, CreateConsultant.self, SetRole.self, CreateKey.self, RevokeKey.self, Suspend.self, Consultants.self, SuspendConsultant.self,
                DeleteReader.self,
                Audit.self, Backup.self, Stats.self, Checkpoint.self, Archive.self,
            ]
        )

        struct Bootstrap: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create the first admin consultant; run as the user lecternd runs as, with no token.")

            @OptionGroup var connection: Connection
            @Option(help: "The admin's email.") var email: String
            @Option(help: "The admin's name.") var name: String
            @OptionGroup var password: Password

            func run() async throws {
                let request = CreateConsultantRequest.with {
                    $0.email = email
                    $0.password = (try? password.value()) ?? ""
                    $0.displayName = name
                    $0.role = .admin
                }
                // Deliberately no token: the server recognises its socket's owner.
                let response = try await call { try await AdminClient(connection.client()).createConsultant(request, options: connection.options) }
                let consultant = response.consultant ?? Consultant()
                print(connection.json ? #"{"consultant_id":\#(consultant.id),"email":"\#(consultant.email)"}"# : "created admin \(consultant.id) <\(consultant.email)>")
            }
        }

        struct CreateConsultant: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a consultant (viewer, supervisor or admin).")

            @OptionGroup var connection: Connection
            @Option(help: "The consultant's email.") var email: String
            @Option(help: "The consultant's name.") var name: String
            @Option(help: "viewer, supervisor or admin.") var role = "viewer"
            @OptionGroup var password: Password

            func run() async throws {
                let chosen = try Lectern.Admin.role(role)
                let options = Lectern.Admin.options(connection)
                let request = CreateConsultantRequest.with {
                    $0.email = email
                    $0.password = (try? password.value()) ?? ""
                    $0.displayName = name
                    $0.role = chosen
                }
                let consultant = try await call { try await AdminClient(connection.client()).createConsultant(request, options: options) }.consultant ?? Consultant()
                print(connection.json ? #"{"consultant_id":\#(consultant.id)}"# : "created \(role) \(consultant.id) <\(consultant.email)>")
            }
        }

        struct Backup: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Copy the database to a new file while it keeps serving, with a progress bar.")

            @OptionGroup var connection: Connection
            @Argument(help: "Path of the backup file to create (a relative one from this directory).") var destination: String

            func run() async throws {
                let options = (try? connection.authorized()) ?? CallOptions()
                let request = BackupRequest.with { $0.destinationPath = Lectern.absolute(destination) }
                try await call {
                    for try await step in try await AdminClient(connection.client()).backup(request, options: options) {
                        let fraction = step.pagesTotal == 0 ? 1 : Double(step.pagesCopied) / Double(step.pagesTotal)
                        let bar = String(repeating: "#", count: Int(fraction * 30)) + String(repeating: ".", count: 30 - Int(fraction * 30))
                        if connection.json {
                            print(#"{"pages_copied":\#(step.pagesCopied),"pages_total":\#(step.pagesTotal),"done":\#(step.done)}"#)
                        } else {
                            FileHandle.standardOutput.write(Data("\r[\(bar)] \(step.pagesCopied)/\(step.pagesTotal) pages".utf8))
                            if step.done { print("\nbackup written to \(destination)") }
                        }
                    }
                }
            }
        }
    }
}

extension Lectern {
    /// `path` from this directory when it is relative: the server resolves nothing against
    /// the directory `lectern` runs in.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

extension Lectern.Connection {
    /// Options carrying the token: LECTERN_TOKEN (when set and not empty), or the saved token file.
    func authorized() throws -> CallOptions {
        if noToken { return options }
        let fromEnvironment = ProcessInfo.processInfo.environment["LECTERN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        guard let token = fromEnvironment ?? TokenFile.load() else {
            throw ValidationError("no token: run `lectern login` (or set LECTERN_TOKEN)")
        }
        return .bearer(token, timeout: options.timeout)
    }
}

/// Runs a call, printing an RPC failure as `lectern: CODE: message` and exiting 2.
func call<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as RPCError {
        printError(error)
        throw ExitCode(2)
    }
}

/// Where `lectern login` keeps the token: `$XDG_STATE_HOME/lectern/token`, or
/// `~/.local/state/lectern/token`, readable by the user alone (0600).
enum TokenFile {
    static var path: String {
        let environment = ProcessInfo.processInfo.environment
        let state = environment["XDG_STATE_HOME"] ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/state")
        return state + "/lectern/token"
    }

    static func save(_ token: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: path, contents: Data(token.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write \(path)")
        }
        // createFile keeps an existing file's mode: set it again.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    static func load() -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }

    static func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

func printError(_ error: RPCError) {
    FileHandle.standardError.write(Data("lectern: \(error.code): \(error.message)\n".utf8))
}
