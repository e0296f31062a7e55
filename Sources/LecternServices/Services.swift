import LecternServer
import LecternStorage
import Logging

/// Every service of Lectern on one store, wired together: what lecternd serves and what
/// the tests start.
public struct Services: Sendable {
    public struct Configuration: Sendable {
        public var auth = AuthService.Configuration()
        /// How long a heartbeat keeps a reader online, in milliseconds.
        public var presenceWindowMs: Int64 = 30_000
        /// Activities a Watch stream may have queued before it is ended.
        public var maxWatchBuffered = 10_000
        /// Watch streams one consultant may have open at once.
        public var maxWatchStreamsPerConsultant = 32
        /// The directory an admin calling with a token may write backups and archives to;
        /// nil for any. The socket's owner, who runs as the server's user already, may write
        /// anywhere the server can.
        public var adminFileDirectory: String?

        public init() {}
    }

    public let health: HealthService
    public let auth: AuthService
    public let readers: ReaderService
    public let consultants: ConsultantService
    public let admin: AdminService
    public let presence: Presence
    public let feed: LiveFeed
    /// Run it (`presenceKeeper.run()`) for offline transitions and saved last-seen times.
    public let presenceKeeper: PresenceKeeper

    public init(store: any Store, configuration: Configuration = Configuration(), logger: Logger) async throws {
        let nowMs = configuration.auth.nowMs
        health = HealthService(services: [
            "lectern.v1.HealthService", "lectern.v1.AuthService", "lectern.v1.ReaderService", "lectern.v1.ConsultantService",
            "lectern.v1.AdminService",
        ])
        auth = try AuthService(store: store, configuration: configuration.auth)
        presence = Presence(windowMs: configuration.presenceWindowMs)
        feed = LiveFeed(store: store, maxBuffered: configuration.maxWatchBuffered)
        try await feed.countRecentEvents(from: store, nowMs: nowMs())
        readers = try await ReaderService(store: store, authenticator: auth.authenticator, presence: presence, feed: feed)
        consultants = try await ConsultantService(
            store: store, authenticator: auth.authenticator, presence: presence, feed: feed,
            maxWatchStreamsPerConsultant: configuration.maxWatchStreamsPerConsultant
        )
        admin = AdminService(
            store: store, authenticator: auth.authenticator, presence: presence, feed: feed,
            passwordStrength: configuration.auth.passwordStrength, fileDirectory: configuration.adminFileDirectory
        )
        presenceKeeper = PresenceKeeper(presence: presence, feed: feed, store: store, nowMs: nowMs, logger: logger)
    }

    public func register(on router: inout RPCRouter) {
        health.register(on: &router)
        auth.register(on: &router)
        readers.register(on: &router)
        consultants.register(on: &router)
        admin.register(on: &router)
    }

    /// Shutting down: health turns NOT_SERVING and Watch streams end with UNAVAILABLE, so
    /// their clients resume elsewhere instead of holding the drain open.
    public func beginShutdown() {
        health.shutDown()
        feed.close()
    }
}
