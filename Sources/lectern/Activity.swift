import ArgumentParser
import Foundation
import LecternClient
import LecternProtocol

extension Lectern.Connection {
    /// Prints `response` as one JSON object with --json, else as `text` describes it.
    func show<M: ProtoMessage>(_ response: M, _ text: (M) -> String) {
        print(json ? ProtoJSON.string(response) : text(response))
    }

    /// `show` for one update of a stream, written out at once: into a pipe or a file, stdout
    /// is block-buffered, and `lectern watch | grep …` printed nothing until 4 KiB had
    /// gathered, and lost what had when interrupted.
    func showLive<M: ProtoMessage>(_ response: M, _ text: (M) -> String) {
        show(response, text)
        fflush(nil)  // every output stream: `stdout` itself is not concurrency-safe to name
    }

    /// A table: a header line, then one tab-separated line per row.
    func table(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map { $0.joined(separator: "\t") }.joined(separator: "\n")
    }
}

func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

// MARK: A reader's calls

extension Lectern {
    struct Heartbeat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tell the server the logged-in reader is here.")
        @OptionGroup var connection: Connection
        @Option(help: "The client session id (a tab or device).") var session = "cli"
        @Option(help: "What the reader is reading.") var content = ""

        func run() async throws {
            let options = try connection.authorized()
            let request = HeartbeatRequest.with { $0.clientSessionID = session; $0.contentID = content }
            let response = try await call { try await ReaderClient(connection.client()).heartbeat(request, options: options) }
            connection.show(response) { "online for \($0.presenceWindowMs / 1000) s" }
        }
    }

    struct Append: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Append one event as the logged-in reader.")
        @OptionGroup var connection: Connection
        @Option(help: "The event type, such as page_view.") var type: String
        @Option(help: "The content (book, chapter) it is about.") var content = ""
        @Option(help: "Progress through the content, from 0 to 1.") var progress: Double?
        @Option(help: "The client session id (a tab or device).") var session = "cli"
        @Option(help: "The sequence number in the session; the current time by default.") var sequence = UInt64(now())

        func run() async throws {
            let options = try connection.authorized()
            let request = AppendEventsRequest.with {
                $0.events = [EventInput.with {
                    $0.clientSessionID = session
                    $0.sequence = sequence
                    $0.type = type
                    $0.contentID = content
                    $0.occurredAtMs = now()
                    if let progress { $0.progress = progress }
                }]
            }
            let response = try await call { try await ReaderClient(connection.client()).appendEvents(request, options: options) }
            connection.show(response) { response in
                response.results.map { "event \($0.eventID)\($0.duplicate ? " (already stored)" : "")" }.joined(separator: "\n")
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stream events from a file (or - for standard input) as the logged-in reader: a line per event, `type [content [progress]]`."
        )
        @OptionGroup var connection: Connection
        @Argument(help: "The file, or - for standard input.") var file: String
        @Option(help: "Events per batch (at most 1,000).") var batch = 500
        @Option(help: "The client session id of the events.") var session = "import"
        @Option(help: "The first line's sequence number; the next lines count up from it. A re-run with the same number stores nothing twice.")
        var firstSequence: UInt64 = 1

        func run() async throws {
            guard (1...1_000).contains(batch) else { throw ValidationError("--batch must be from 1 to 1,000") }
            guard firstSequence >= 1 else { throw ValidationError("--first-sequence must be 1 or more") }
            var options = try connection.authorized()
            options.timeout = nil
            guard let text = file == "-" ? String(data: FileHandle.standardInput.readDataToEndOfFile(), encoding: .utf8)
                : try? String(contentsOfFile: file, encoding: .utf8) else { throw ValidationError("cannot read \(file)") }
            var events: [EventInput] = []
            for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
                let (sequence, overflow) = firstSequence.addingReportingOverflow(UInt64(events.count))
                guard !overflow else { throw ValidationError("--first-sequence \(firstSequence): the sequence numbers of \(file) would pass 2^64-1") }
                events.append(EventInput.with {
                    $0.clientSessionID = session
                    $0.sequence = sequence
                    $0.type = words[0]
                    $0.occurredAtMs = now()
                    if words.count > 1 { $0.contentID = words[1] }
                    if words.count > 2, let progress = Double(words[2]) { $0.progress = progress }
                })
            }
            let response = try await call {
                let stream = try await ReaderClient(connection.client()).importEvents(options: options)
                for start in stride(from: 0, to: events.count, by: batch) {
                    try await stream.send(AppendEventsRequest.with { $0.events = Array(events[start..<min(start + batch, events.count)]) })
                }
                return try await stream.finish()
            }
            connection.show(response) { "\($0.stored) events stored, \($0.duplicates) already stored, in \($0.batches) batches" }
        }
    }

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The logged-in reader's events, newest first.")
        @OptionGroup var connection: Connection
        @OptionGroup var page: Page

        func run() async throws {
            let options = try connection.authorized()
            let request = ListMyEventsRequest.with { $0.pageSize = page.size; $0.pageToken = page.token }
            let response = try await call { try await ReaderClient(connection.client()).listMyEvents(request, options: options) }
            connection.show(response) { response in
                connection.table(["ID", "TYPE", "CONTENT", "RECEIVED_MS"], response.events.map { ["\($0.id)", $0.type, $0.contentID, "\($0.receivedAtMs)"] })
                    + Page.next(response.nextPageToken)
            }
        }
    }

    struct State: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The logged-in reader's state.")
        @OptionGroup var connection: Connection

        func run() async throws {
            let options = try connection.authorized()
            let response = try await call { try await ReaderClient(connection.client()).getMyState(options: options) }
            connection.show(response) { response in
                let state = response.state ?? ReaderState()
                return "events: \(state.eventCount), last: \(state.lastEventType), reading: \(state.currentContentID), "
                    + "milestones completed: \(state.milestonesCompleted), unread messages: \(state.unreadMessages)"
            }
        }
    }

    struct Milestone: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start or complete a milestone of the logged-in reader.")
        @OptionGroup var connection: Connection
        @Argument(help: "The content the milestone is about.") var content: String
        @Flag(help: "Mark it completed (otherwise started).") var completed = false
        @Option(help: "A score.") var score: Float = 0

        func run() async throws {
            let options = try connection.authorized()
            let request = UpsertMilestoneRequest.with { $0.contentID = content; $0.status = completed ? .completed : .started; $0.score = score }
            let response = try await call { try await ReaderClient(connection.client()).upsertMilestone(request, options: options) }
            connection.show(response) { "milestone \($0.milestone?.contentID ?? content): \($0.milestone?.status.description ?? "")" }
        }
    }

    struct Milestones: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The logged-in reader's milestones.")
        @OptionGroup var connection: Connection
        @OptionGroup var page: Page

        func run() async throws {
            let options = try connection.authorized()
            let request = ListMyMilestonesRequest.with { $0.pageSize = page.size; $0.pageToken = page.token }
            let response = try await call { try await ReaderClient(connection.client()).listMyMilestones(request, options: options) }
            connection.show(response) { response in
                connection.table(["CONTENT", "STATUS", "SCORE"], response.milestones.map { [$0.contentID, "\($0.status)", "\($0.score)"] })
                    + Page.next(response.nextPageToken)
            }
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a message to the consultants as the logged-in reader.")
        @OptionGroup var connection: Connection
        @Argument(help: "The message.") var body: String

        func run() async throws {
            let options = try connection.authorized()
            let response = try await call { try await ReaderClient(connection.client()).sendMessage(.with { $0.body = body }, options: options) }
            connection.show(response) { "message \($0.message?.id ?? 0) sent" }
        }
    }

    struct Messages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The logged-in reader's messages, newest first.")
        @OptionGroup var connection: Connection
        @Flag(help: "Only messages from consultants not read yet.") var unread = false
        @OptionGroup var page: Page

        func run() async throws {
            let options = try connection.authorized()
            let request = ListMyMessagesRequest.with { $0.unreadOnly = unread; $0.pageSize = page.size; $0.pageToken = page.token }
            let response = try await call { try await ReaderClient(connection.client()).listMyMessages(request, options: options) }
            connection.show(response) { response in
                connection.table(["ID", "FROM", "READ", "BODY"], response.messages.map { message in
                    [
                        "\(message.id)", message.direction == .consultantToReader ? "consultant \(message.consultantID)" : "me",
                        message.readAtMs == 0 ? "no" : "yes", message.body,
                    ]
                }) + Page.next(response.nextPageToken)
            }
        }
    }

    struct MarkRead: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "mark-read", abstract: "Mark consultants' messages read, up to an id.")
        @OptionGroup var connection: Connection
        @Argument(help: "Every message up to this id.") var upTo: Int64

        func run() async throws {
            let options = try connection.authorized()
            let response = try await call {
                try await ReaderClient(connection.client()).markMessagesRead(.with { $0.upToMessageID = upTo }, options: options)
            }
            connection.show(response) { "\($0.marked) marked read" }
        }
    }

    /// Paging options shared by the list commands.
    struct Page: ParsableArguments {
        @Option(name: .customLong("page-size"), help: "Items per page (server default when 0).") var size: UInt32 = 0
        @Option(name: .customLong("page-token"), help: "The next-page token a previous page printed.") var token = ""

        static func next(_ token: String) -> String {
            token.isEmpty ? "" : "\nnext page: --page-token \(token)"
        }

        /// `next`, saying so when a filtered page found nothing in the events it read but
        /// older events remain (the server reads at most 20,000 for one page).
        static func next(_ token: String, emptyPage: Bool) -> String {
            (emptyPage && !token.isEmpty ? "\nnone of the newest events read matched; older events remain" : "") + next(token)
        }
    }
}

// MARK: Watching

extension Lectern {
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the live activity of every reader (consultants); resumable with --cursor.")
        @OptionGroup var connection: Connection
        @Option(help: "Resume after this cursor (the first column of a line).") var cursor = ""
        @Option(help: "Only this reader (repeatable).") var reader: [Int64] = []
        @Option(help: "Stop after this many updates (0: never).") var count = 0

        func run() async throws {
            var options = try connection.authorized()
            options.timeout = nil
            let request = WatchRequest.with { $0.cursor = cursor; $0.readerIDs = reader }
            var printed = 0
            try await call {
                for try await update in try await ConsultantClient(connection.client()).watch(request, options: options) {
                    connection.showLive(update, Self.line)
                    printed += 1
                    if count > 0 && printed >= count { break }
                }
            }
        }

        static func line(_ update: ActivityUpdate) -> String {
            let what: String = switch update.update {
            case .event(let event): "event\treader \(event.readerID)\t\(event.type) \(event.contentID)"
            case .presence(let presence): "presence\treader \(presence.readerID)\t\(presence.online ? "online" : "offline")"
            case .milestone(let milestone): "milestone\treader \(milestone.readerID)\t\(milestone.contentID) \(milestone.status)"
            case .message(let message): "message\treader \(message.readerID)\t\(message.body)"
            case .caughtUp: "caught-up"
            case nil: "unknown"
            }
            return "\(update.cursor)\t\(what)"
        }
    }
}

// MARK: A consultant's calls

extension Lectern {
    struct ConsultantCommands: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "consultant", abstract: "Consultants' calls, with the saved token or LECTERN_TOKEN. Each look at a reader is audited.",
            subcommands: [Readers.self, Active.self, Reader.self, History.self, ReaderMilestones.self, Dashboard.self, Message.self, Conversation.self]
        )

        struct Readers: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Readers in id order, filtered.")
            @OptionGroup var connection: Connection
            @Option(help: "A prefix of the email or name.") var query = ""
            @Flag(help: "Only suspended readers.") var suspended = false
            @Flag(help: "Only readers online now.") var online = false
            @OptionGroup var page: Page

            func run() async throws {
                let options = try connection.authorized()
                var request = ListReadersRequest()
                request.query = query
                request.status = suspended ? .suspended : .unspecified
                request.onlineOnly = online
                request.pageSize = page.size
                request.pageToken = page.token
                let response = try await call { try await ConsultantClient(connection.client()).listReaders(request, options: options) }
                connection.show(response) { response in
                    connection.table(["ID", "EMAIL", "NAME", "STATUS", "ONLINE"], response.readers.map {
                        ["\($0.id)", $0.email, $0.displayName, $0.status == .suspended ? "suspended" : "active", $0.online ? "yes" : "no"]
                    }) + Page.next(response.nextPageToken)
                }
            }
        }

        struct Active: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Readers online now, most recently seen first.")
            @OptionGroup var connection: Connection

            func run() async throws {
                let options = try connection.authorized()
                let response = try await call { try await ConsultantClient(connection.client()).listActiveReaders(ListActiveReadersRequest(), options: options) }
                connection.show(response) { response in
                    connection.table(["ID", "NAME", "READING", "TABS"], response.readers.map {
                        ["\($0.readerID)", $0.displayName, $0.contentID, "\($0.clientSessions)"]
                    })
                }
            }
        }

        struct Reader: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "One reader and its state.")
            @OptionGroup var connection: Connection
            @Argument(help: "The reader's id.") var reader: Int64

            func run() async throws {
                let options = try connection.authorized()
                let response = try await call { try await ConsultantClient(connection.client()).getReader(.with { $0.readerID = reader }, options: options) }
                connection.show(response) { response in
                    let r = response.reader ?? LecternProtocol.Reader(), s = response.state ?? ReaderState()
                    return "reader \(r.id) <\(r.email)> \(r.displayName), \(r.online ? "online" : "offline")\n"
                        + "events: \(s.eventCount), reading: \(s.currentContentID), milestones completed: \(s.milestonesCompleted)"
                }
            }
        }

        struct History: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "events", abstract: "A reader's events, newest first.")
            @OptionGroup var connection: Connection
            @Argument(help: "The reader's id.") var reader: Int64
            @Option(help: "Only this event type (repeatable).") var type: [String] = []
            @OptionGroup var page: Page

            func run() async throws {
                let options = try connection.authorized()
                var request = ListReaderEventsRequest()
                request.readerID = reader
                request.types = type
                request.pageSize = page.size
                request.pageToken = page.token
                let response = try await call { try await ConsultantClient(connection.client()).listReaderEvents(request, options: options) }
                connection.show(response) { response in
                    connection.table(["ID", "TYPE", "CONTENT", "RECEIVED_MS"], response.events.map { ["\($0.id)", $0.type, $0.contentID, "\($0.receivedAtMs)"] })
                        + Page.next(response.nextPageToken, emptyPage: response.events.isEmpty)
                }
            }
        }

        struct ReaderMilestones: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "milestones", abstract: "A reader's milestones.")
            @OptionGroup var connection: Connection
            @Argument(help: "The reader's id.") var reader: Int64

            func run() async throws {
                let options = try connection.authorized()
                let response = try await call {
                    try await ConsultantClient(connection.client()).listReaderMilestones(.with { $0.readerID = reader }, options: options)
                }
                connection.show(response) { response in
                    connection.table(["CONTENT", "STATUS", "SCORE"], response.milestones.map { [$0.contentID, "\($0.status)", "\($0.score)"] })
                }
            }
        }

        struct Dashboard: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Online readers, recent events, stuck readers, unread messages.")
            @OptionGroup var connection: Connection
            @Option(help: "Minutes without progress on a started milestone that make a reader stuck.") var stuckAfter: UInt32 = 30

            func run() async throws {
                let options = try connection.authorized()
                let response = try await call {
                    try await ConsultantClient(connection.client()).dashboard(.with { $0.stuckAfterMinutes = stuckAfter }, options: options)
                }
                connection.show(response) { d in
                    "online now: \(d.onlineNow)\nevents, last 5 min: \(d.eventsLast5Minutes)\nevents, last 60 min: \(d.eventsLast60Minutes)\n"
                        + "stuck readers: \(d.stuckReaders)\nunread messages: \(d.unreadMessages)\nreaders: \(d.totalReaders)"
                }
            }
        }

        struct Message: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Send a message to a reader (supervisors).")
            @OptionGroup var connection: Connection
            @Argument(help: "The reader's id.") var reader: Int64
            @Argument(help: "The message.") var body: String

            func run() async throws {
                let options = try connection.authorized()
                let response = try await call {
                    try await ConsultantClient(connection.client()).sendMessage(.with { $0.readerID = reader; $0.body = body }, options: options)
                }
                connection.show(response) { "message \($0.message?.id ?? 0) sent" }
            }
        }

        struct Conversation: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The messages between a reader and the consultants, newest first.")
            @OptionGroup var connection: Connection
            @Argument(help: "The reader's id.") var reader: Int64

            func run() async throws {
                let options = try connection.authorized()
                let response = try await call {
                    try await ConsultantClient(connection.client()).listConversation(.with { $0.readerID = reader }, options: options)
                }
                connection.show(response) { response in
                    connection.table(["ID", "FROM", "BODY"], response.messages.map {
                        ["\($0.id)", $0.direction == .consultantToReader ? "consultant \($0.consultantID)" : "reader", $0.body]
                    })
                }
            }
        }
    }
}
