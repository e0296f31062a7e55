import ArgumentParser
import Foundation
import LecternClient
import LecternProtocol

extension Lectern {
    /// `lectern append`: one event as the logged-in reader.
    struct Append: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Append one event as the logged-in reader.")

        @OptionGroup var connection: Connection
        @Option(help: "The event type, such as page_view.") var type: String
        @Option(help: "The content (book, chapter) it is about.") var content = ""
        @Option(help: "Progress through the content, from 0 to 1.") var progress: Double?
        @Option(help: "The client session id (a tab or device).") var session = "cli"
        @Option(help: "The sequence number in the session; the current time by default.")
        var sequence = UInt64(Date().timeIntervalSince1970 * 1000)

        func run() async throws {
            let options = try connection.authorized()
            let request = AppendEventsRequest.with {
                $0.events = [EventInput.with {
                    $0.clientSessionID = session
                    $0.sequence = sequence
                    $0.type = type
                    $0.contentID = content
                    $0.occurredAtMs = Int64(Date().timeIntervalSince1970 * 1000)
                    if let progress { $0.progress = progress }
                }]
            }
            let response = try await call { try await ReaderClient(connection.client()).appendEvents(request, options: options) }
            for result in response.results {
                print(connection.json ? #"{"event_id":\#(result.eventID),"duplicate":\#(result.duplicate)}"#
                    : "event \(result.eventID)\(result.duplicate ? " (already stored)" : "")")
            }
        }
    }

    /// `lectern state`: the logged-in reader's state.
    struct State: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the logged-in reader's state.")

        @OptionGroup var connection: Connection

        func run() async throws {
            let options = try connection.authorized()
            let state = try await call { try await ReaderClient(connection.client()).getMyState(options: options) }.state ?? ReaderState()
            if connection.json {
                print(#"{"event_count":\#(state.eventCount),"current_content_id":"\#(state.currentContentID)","unread_messages":\#(state.unreadMessages)}"#)
            } else {
                print("events: \(state.eventCount), last: \(state.lastEventType), reading: \(state.currentContentID), unread messages: \(state.unreadMessages)")
            }
        }
    }

    /// `lectern messages`: the logged-in reader's conversation.
    struct Messages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the logged-in reader's messages, newest first.")

        @OptionGroup var connection: Connection

        func run() async throws {
            let options = try connection.authorized()
            let response = try await call { try await ReaderClient(connection.client()).listMyMessages(ListMyMessagesRequest(), options: options) }
            for message in response.messages {
                let from = message.direction == .consultantToReader ? "consultant \(message.consultantID)" : "me"
                print("\(message.id)\t\(from)\t\(message.body)")
            }
        }
    }

    /// `lectern watch`: the live activity feed, for consultants.
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
                    print(Self.line(update))
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

    /// `lectern consultant …`: what consultants do.
    struct ConsultantCommands: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "consultant", abstract: "Consultants' calls, with the saved token or LECTERN_TOKEN.",
            subcommands: [Active.self, History.self, Message.self, Dashboard.self]
        )

        struct Active: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Readers online now, most recently seen first.")
            @OptionGroup var connection: Connection

            func run() async throws {
                let options = try connection.authorized()
                let response = try await call { try await ConsultantClient(connection.client()).listActiveReaders(ListActiveReadersRequest(), options: options) }
                print("ID\tNAME\tREADING\tTABS")
                for reader in response.readers {
                    print("\(reader.readerID)\t\(reader.displayName)\t\(reader.contentID)\t\(reader.clientSessions)")
                }
            }
        }

        struct History: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "events", abstract: "A reader's events, newest first (audited).")
            @OptionGroup var connection: Connection
            @Argument(help: "The reader's id.") var reader: Int64

            func run() async throws {
                let options = try connection.authorized()
                let response = try await call {
                    try await ConsultantClient(connection.client()).listReaderEvents(.with { $0.readerID = reader }, options: options)
                }
                print("ID\tTYPE\tCONTENT\tRECEIVED")
                for event in response.events {
                    print("\(event.id)\t\(event.type)\t\(event.contentID)\t\(event.receivedAtMs)")
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
                print("message \(response.message?.id ?? 0) sent")
            }
        }

        struct Dashboard: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Online readers, recent events, stuck readers, unread messages.")
            @OptionGroup var connection: Connection

            func run() async throws {
                let options = try connection.authorized()
                let d = try await call { try await ConsultantClient(connection.client()).dashboard(DashboardRequest(), options: options) }
                print("online now: \(d.onlineNow)\nevents, last 5 min: \(d.eventsLast5Minutes)\nevents, last 60 min: \(d.eventsLast60Minutes)")
                print("stuck readers: \(d.stuckReaders)\nunread messages: \(d.unreadMessages)\nreaders: \(d.totalReaders)")
            }
        }
    }
}
