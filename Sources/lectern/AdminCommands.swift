import ArgumentParser
import Foundation
import LecternClient
import LecternProtocol

extension Lectern.Admin {
    /// The admin token when there is one; otherwise no token, for the socket's owner.
    static func options(_ connection: Lectern.Connection) -> CallOptions {
        (try? connection.authorized()) ?? connection.options
    }

    static func role(_ name: String) throws -> ConsultantRole {
        let roles: [String: ConsultantRole] = ["viewer": .viewer, "supervisor": .supervisor, "admin": .admin]
        guard let role = roles[name] else { throw ValidationError("--role must be viewer, supervisor or admin") }
        return role
    }

    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Change a consultant's role.")
        @OptionGroup var connection: Lectern.Connection
        @Argument(help: "The consultant's id.") var consultant: Int64
        @Argument(help: "viewer, supervisor or admin.") var role: String

        func run() async throws {
            let chosen = try Lectern.Admin.role(role)
            let request = SetConsultantRoleRequest.with { $0.consultantID = consultant; $0.role = chosen }
            let response = try await call { try await AdminClient(connection.client()).setConsultantRole(request, options: Lectern.Admin.options(connection)) }
            connection.show(response) { "consultant \($0.consultant?.id ?? 0) is now \(role)" }
        }
    }

    struct CreateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-key", abstract: "Create a gateway's service key; its secret is shown once.")
        @OptionGroup var connection: Lectern.Connection
        @Argument(help: "A name for the key, such as the gateway's host.") var name: String

        func run() async throws {
            let response = try await call {
                try await AdminClient(connection.client()).createServiceKey(.with { $0.name = name }, options: Lectern.Admin.options(connection))
            }
            connection.show(response) { "service key \($0.key?.id ?? 0) \"\(name)\"; its secret (shown only now):\n\($0.secret)" }
        }
    }

    struct RevokeKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke-key", abstract: "Revoke a service key at once.")
        @OptionGroup var connection: Lectern.Connection
        @Argument(help: "The key's id.") var key: Int64

        func run() async throws {
            let response = try await call {
                try await AdminClient(connection.client()).revokeServiceKey(.with { $0.serviceKeyID = key }, options: Lectern.Admin.options(connection))
            }
            connection.show(response) { "service key \($0.key?.id ?? 0) revoked" }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a reader (its tokens stop working), or reinstate it.")
        @OptionGroup var connection: Lectern.Connection
        @Argument(help: "The reader's id.") var reader: Int64
        @Flag(help: "Reinstate the reader instead.") var reinstate = false
        @Option(help: "Why, for the audit log.") var reason = ""

        func run() async throws {
            let request = SuspendReaderRequest.with { $0.readerID = reader; $0.suspended = !reinstate; $0.reason = reason }
            let response = try await call { try await AdminClient(connection.client()).suspendReader(request, options: Lectern.Admin.options(connection)) }
            connection.show(response) { "reader \($0.reader?.id ?? 0) is \($0.reader?.status == .suspended ? "suspended" : "active")" }
        }
    }

    struct Consultants: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The consultants in id order, suspended ones too.")
        @OptionGroup var connection: Lectern.Connection
        @OptionGroup var page: Lectern.Page

        func run() async throws {
            let request = ListConsultantsRequest.with { $0.pageSize = page.size; $0.pageToken = page.token }
            let response = try await call { try await AdminClient(connection.client()).listConsultants(request, options: Lectern.Admin.options(connection)) }
            connection.show(response) { response in
                connection.table(["ID", "EMAIL", "NAME", "ROLE", "SUSPENDED"], response.consultants.map {
                    ["\($0.id)", $0.email, $0.displayName, "\($0.role)", $0.suspended ? "yes" : "no"]
                }) + Lectern.Page.next(response.nextPageToken)
            }
        }
    }

    struct SuspendConsultant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "suspend-consultant",
            abstract: "Suspend a consultant (its tokens stop working, its Watch streams end), or reinstate it."
        )
        @OptionGroup var connection: Lectern.Connection
        @Argument(help: "The consultant's id.") var consultant: Int64
        @Flag(help: "Reinstate the consultant instead.") var reinstate = false
        @Option(help: "Why, for the audit log.") var reason = ""

        func run() async throws {
            let request = SuspendConsultantRequest.with { $0.consultantID = consultant; $0.suspended = !reinstate; $0.reason = reason }
            let response = try await call { try await AdminClient(connection.client()).suspendConsultant(request, options: Lectern.Admin.options(connection)) }
            connection.show(response) { "consultant \($0.consultant?.id ?? 0) is \($0.consultant?.suspended == true ? "suspended" : "active")" }
        }
    }

    struct DeleteReader: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete-reader", abstract: "Erase a reader and all of its data.")
        @OptionGroup var connection: Lectern.Connection
        @Argument(help: "The reader's id.") var reader: Int64

        func run() async throws {
            let response = try await call {
                try await AdminClient(connection.client()).deleteReader(.with { $0.readerID = reader }, options: Lectern.Admin.options(connection))
            }
            connection.show(response) {
                "deleted \($0.eventsDeleted) events, \($0.milestonesDeleted) milestones, \($0.messagesDeleted) messages, \($0.sessionsDeleted) sessions"
            }
        }
    }

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The audit log, newest first, filtered.")
        @OptionGroup var connection: Lectern.Connection
        @Option(help: "Only rows by this consultant.") var consultant: Int64 = 0
        @Option(help: "Only rows about this reader.") var reader: Int64 = 0
        @Option(help: "Only this action, such as ConsultantService.ListReaderEvents.") var action = ""
        @OptionGroup var page: Lectern.Page

        func run() async throws {
            var request = ListAuditLogRequest()
            request.consultantID = consultant
            request.readerID = reader
            request.action = action
            request.pageSize = page.size
            request.pageToken = page.token
            let response = try await call { try await AdminClient(connection.client()).listAuditLog(request, options: Lectern.Admin.options(connection)) }
            connection.show(response) { response in
                connection.table(["ID", "AT_MS", "ACTOR", "ACTION", "READER", "PEER_PID", "DETAIL"], response.entries.map {
                    ["\($0.id)", "\($0.atMs)", "\($0.actorKind) \($0.actorID)", $0.action, "\($0.readerID)", "\($0.peerPID)", $0.detail]
                }) + Lectern.Page.next(response.nextPageToken)
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Database, WAL, write queue and commit figures.")
        @OptionGroup var connection: Lectern.Connection

        func run() async throws {
            let response = try await call { try await AdminClient(connection.client()).stats(options: Lectern.Admin.options(connection)) }
            connection.show(response) { s in
                "database: \(s.pageCount) pages of \(s.pageSize) bytes, \(s.freelistCount) free; WAL: \(s.walBytes) bytes\n"
                    + "write queue: \(s.writeQueueDepth) waiting; commits: \(s.commit?.count ?? 0), p50 \(s.commit?.p50Us ?? 0) µs, p99 \(s.commit?.p99Us ?? 0) µs\n"
                    + "online readers: \(s.onlineReaders)"
            }
        }
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Checkpoint the WAL into the database (TRUNCATE by default).")
        @OptionGroup var connection: Lectern.Connection
        @Option(help: "passive, full, restart or truncate.") var mode = "truncate"

        func run() async throws {
            let modes: [String: CheckpointMode] = ["passive": .passive, "full": .full, "restart": .restart, "truncate": .truncate]
            guard let chosen = modes[mode] else { throw ValidationError("--mode must be passive, full, restart or truncate") }
            let response = try await call {
                try await AdminClient(connection.client()).checkpoint(.with { $0.mode = chosen }, options: Lectern.Admin.options(connection))
            }
            connection.show(response) { "\($0.checkpointedFrames) of \($0.walFrames) WAL frames checkpointed\($0.busy ? " (a reader kept it from finishing)" : "")" }
        }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move events received before a time into an archive database file.")
        @OptionGroup var connection: Lectern.Connection
        @Option(help: "Events received more than this many days ago move.") var olderThanDays: Int
        @Argument(help: "Path of the archive file, created or appended to (a relative one from this directory).") var path: String

        func validate() throws {
            guard (0...36_500).contains(olderThanDays) else { throw ValidationError("--older-than-days must be from 0 to 36,500, got \(olderThanDays)") }
        }

        func run() async throws {
            let before = now() - Int64(olderThanDays) * 86_400_000
            let path = Lectern.absolute(path)
            let response = try await call {
                try await AdminClient(connection.client()).archiveEvents(.with { $0.beforeMs = before; $0.archivePath = path }, options: Lectern.Admin.options(connection))
            }
            connection.show(response) { "\($0.eventsArchived) events moved to \(path)" }
        }
    }
}
