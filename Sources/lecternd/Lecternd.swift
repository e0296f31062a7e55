import ArgumentParser
import Foundation
import LecternProtocol
import LecternServer
import LecternServices
import LecternStorage
import Logging
import ServiceLifecycle

/// lecternd: parses its options, opens the store, serves the RPC services on the socket,
/// and drains on SIGTERM or SIGINT.
@main
struct Lecternd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lecternd",
        abstract: "Lectern's server: an embedded SQLite database behind an RPC protocol on a Unix socket."
    )

    @Option(help: "Path of the Unix socket to serve on.")
    var socket = "./lectern.sock"

    @Option(help: "Permission bits of the socket file, in octal.")
    var socketMode = "660"

    @Option(help: "Path of the SQLite database; created when missing.")
    var database = "./lectern.db"

    @Option(help: "What an acknowledged write survives: normal (a process crash) or full (also a power loss).")
    var durability = "normal"

    @Option(help: "Read-only connections in the pool.")
    var readConnections = 2

    @Option(help: "Largest frame payload accepted, in bytes.")
    var maxFrameBytes = 4 * 1024 * 1024

    @Option(help: "Calls open at once on one connection.")
    var maxCallsPerConnection = 1_024

    @Option(help: "Connections open at once.")
    var maxConnections = 8_192

    @Option(help: "Directory an admin calling with a token may write backups and archives to (default: the database's directory). The socket's owner may write anywhere.")
    var adminFileDirectory: String?

    @Option(help: "Largest CALL_START payload (method and metadata), in bytes.")
    var maxCallStartBytes = 16 * 1024

    @Option(help: "Bytes of requests the open calls of one connection may hold.")
    var maxRequestBytesPerConnection = 32 * 1024 * 1024

    @Option(help: "Bytes of requests the open calls of all connections may hold.")
    var maxRequestBytes = 256 * 1024 * 1024

    @Option(help: "Bytes of responses one connection's client may leave unread before more are dropped (RESOURCE_EXHAUSTED); at least --max-frame-bytes.")
    var maxResponseBytesPerConnection = 16 * 1024 * 1024

    @Option(help: "Bytes of responses all clients together may leave unread.")
    var maxResponseBytes = 256 * 1024 * 1024

    @Option(help: "ConsultantService.Watch streams one consultant may have open at once.")
    var maxWatchStreamsPerConsultant = 32

    @Option(help: "Seconds a connection may stay idle.")
    var idleTimeoutSeconds = 300

    @Option(help: "Seconds calls in flight get to finish on shutdown.")
    var shutdownGraceSeconds = 10

    @Option(help: "Log level: trace, debug (a line per call), info, notice, warning (a line per failed call), error, critical.")
    var logLevel = "info"

    @Option(help: "Log format: text, or json (one object per line).")
    var logFormat = "text"

    /// Refuses limits the server cannot work with (a frame too small for any CALL_START, no
    /// read connection) or whose arithmetic would overflow, naming the flag and its range.
    func validate() throws {
        func check(_ value: Int, _ flag: String, _ range: ClosedRange<Int>) throws {
            guard range.contains(value) else {
                throw ValidationError("--\(flag) must be from \(range.lowerBound) to \(range.upperBound), got \(value)")
            }
        }
        guard !socket.isEmpty else { throw ValidationError("--socket must name a path") }
        // An in-memory database would be one per connection, and lost at exit.
        guard !database.isEmpty, database != ":memory:" else { throw ValidationError("--database must name a file") }
        // Another database's WAL, shared-memory or journal file is not a database: SQLite
        // would take an empty WAL (after a checkpoint) for a new one and write into it.
        for suffix in sqliteSideFileSuffixes where database.hasSuffix(suffix) {
            let main = String(database.dropLast(suffix.count))
            if FileManager.default.fileExists(atPath: main) {
                throw ValidationError("--database \(database) is the \(suffix.dropFirst()) file of the database \(main), not a database")
            }
        }
        try check(readConnections, "read-connections", 1...64)
        try check(maxFrameBytes, "max-frame-bytes", 1_024...(1 << 30))
        try check(maxCallsPerConnection, "max-calls-per-connection", 1...1_000_000)
        try check(maxConnections, "max-connections", 1...1_000_000)
        try check(maxCallStartBytes, "max-call-start-bytes", 64...maxFrameBytes)
        try check(maxRequestBytesPerConnection, "max-request-bytes-per-connection", (64 * 1024)...(1 << 40))
        try check(maxRequestBytes, "max-request-bytes", maxRequestBytesPerConnection...(1 << 40))
        try check(maxResponseBytesPerConnection, "max-response-bytes-per-connection", maxFrameBytes...(1 << 40))
        try check(maxResponseBytes, "max-response-bytes", maxResponseBytesPerConnection...(1 << 40))
        try check(maxWatchStreamsPerConsultant, "max-watch-streams-per-consultant", 1...100_000)
        try check(idleTimeoutSeconds, "idle-timeout-seconds", 1...(366 * 86_400))
        try check(shutdownGraceSeconds, "shutdown-grace-seconds", 0...86_400)
    }

    func run() async throws {
        // A log reader that goes away (the far end of a pipe on stderr exits) must not end
        // the server: with SIGPIPE ignored, a write to it fails with EPIPE, which logging
        // ignores, instead of raising a signal whose default action is to exit at once.
        signal(SIGPIPE, SIG_IGN)
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level: unknown level \(logLevel)") }
        guard let mode = UInt32(socketMode, radix: 8) else { throw ValidationError("--socket-mode must be octal, such as 660") }
        guard let durabilityMode = DurabilityMode(rawValue: durability) else { throw ValidationError("--durability must be normal or full") }
        guard logFormat == "text" || logFormat == "json" else { throw ValidationError("--log-format must be text or json") }
        LoggingSystem.bootstrap { [logFormat] label in
            if logFormat == "json" { return JSONLogHandler(label: label, logLevel: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "lecternd")

        var storeConfiguration = StoreConfiguration(path: database)
        storeConfiguration.durability = durabilityMode
        storeConfiguration.readConnections = readConnections
        logger.info("opening the database", metadata: ["database": "\(database)"])
        let store = try await SQLiteStore.open(storeConfiguration) { version, name in
            // A migration may rewrite a table: minutes on a large database, before the socket opens.
            logger.notice("applying schema migration", metadata: ["version": "\(version)", "name": "\(name)"])
        }

        var serverConfiguration = RPCServerConfiguration(socketPath: socket)
        serverConfiguration.socketMode = mode
        serverConfiguration.maxFrameBytes = maxFrameBytes
        serverConfiguration.maxConcurrentCallsPerConnection = maxCallsPerConnection
        let openFiles = Self.raiseOpenFileLimit()
        // Each connection is a descriptor; SQLite, the event loops and backups need some too.
        let connectionsPossible = max(1, openFiles - Self.descriptorsKept)
        if connectionsPossible < maxConnections {
            logger.warning("open files are limited (ulimit -n): fewer connections than --max-connections", metadata: [
                "open_files": "\(openFiles)", "max_connections": "\(connectionsPossible)",
            ])
        }
        serverConfiguration.maxConnections = min(maxConnections, connectionsPossible)
        serverConfiguration.maxCallStartBytes = maxCallStartBytes
        serverConfiguration.maxRequestBytesPerConnection = maxRequestBytesPerConnection
        serverConfiguration.maxRequestBytes = maxRequestBytes
        serverConfiguration.maxResponseBytesPerConnection = maxResponseBytesPerConnection
        serverConfiguration.maxResponseBytes = maxResponseBytes
        serverConfiguration.idleTimeout = .seconds(idleTimeoutSeconds)
        serverConfiguration.shutdownGracePeriod = .seconds(shutdownGraceSeconds)

        var servicesConfiguration = Services.Configuration()
        servicesConfiguration.adminFileDirectory = adminFileDirectory
            ?? URL(fileURLWithPath: database).deletingLastPathComponent().path
        servicesConfiguration.maxWatchStreamsPerConsultant = maxWatchStreamsPerConsultant
        let services = try await Services(store: store, configuration: servicesConfiguration, logger: logger)
        var router = RPCRouter()
        services.register(on: &router)
        let server = RPCServer(configuration: serverConfiguration, router: router, logger: logger)

        let group = ServiceGroup(
            // Shut down in reverse order: the server drains first, then the keeper saves.
            services: [PresenceKeeperService(keeper: services.presenceKeeper), RPCServerService(server: server, services: services)],
            // SIGHUP too: a terminal that started lecternd and closes drains it like SIGTERM, not kills it.
            gracefulShutdownSignals: [.sigterm, .sigint, .sighup],
            logger: logger
        )
        logger.info("lecternd starting", metadata: ["socket": "\(socket)", "database": "\(database)", "durability": "\(durabilityMode.rawValue)"])
        do {
            try await group.run()
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        logger.info("lecternd stopped")
    }
}

extension Lecternd {
    /// Descriptors kept for other than connections: SQLite's files, the event loops, the
    /// listening socket, backups and archives.
    static let descriptorsKept = 256

    /// Raises the soft limit on open files to the hard one and returns the limit in force.
    /// The usual soft limit (1,024) is far below `--max-connections`: past it, `accept`
    /// fails and a client waits in the listen queue with no answer, where the server would
    /// otherwise refuse it with GOAWAY.
    static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1_024 }
        // RLIM_INFINITY is not a number of files the kernel takes (nr_open caps it).
        let wanted = min(limit.rlim_max, 1 << 20)
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = wanted
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }
}

/// Runs the RPC server as a lifecycle service: on graceful shutdown, health turns
/// NOT_SERVING, then the server stops accepting, sends GOAWAY and lets calls finish.
struct RPCServerService: Service, CustomStringConvertible {
    let server: RPCServer
    let services: Services
    var description: String { "RPCServer" }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.run()
        } onGracefulShutdown: {
            services.beginShutdown()
            Task { await server.shutdown() }
        }
    }
}

/// Takes idle readers offline and saves last-seen times until shutdown, then saves once more.
struct PresenceKeeperService: Service, CustomStringConvertible {
    let keeper: PresenceKeeper
    var description: String { "PresenceKeeper" }

    func run() async throws {
        await cancelWhenGracefulShutdown { await keeper.run() }
    }
}
