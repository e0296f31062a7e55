import Foundation
import LecternProtocol
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The RPC server on a Unix socket: accepts connections, serves the router's methods,
/// and shuts down gracefully (stop accepting, GOAWAY, let calls finish, close).
public final class RPCServer: Sendable {
    public let configuration: RPCServerConfiguration
    private let router: RPCRouter
    /// The request data held for open calls, bounded per connection and in all.
    let requestMemory: HeldMemory
    /// The responses held while their clients have not read what came before, bounded the same way.
    let responseMemory: HeldMemory
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let state = Mutex(State())

    private struct State {
        var serverChannel: (any Channel)?
        var connections: [UInt64: ServerConnection] = [:]
        var nextConnectionID: UInt64 = 0
        var shuttingDown = false
        /// `shutdown()` calls that have not returned; `run()` waits for them before it stops
        /// the event loops they write on.
        var shutdownsRunning = 0
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
        /// Set by `run()` just before it stops the event loops: nothing may use them after.
        var stopped = false
    }

    public init(configuration: RPCServerConfiguration, router: RPCRouter, logger: Logger) {
        self.configuration = configuration
        self.router = router
        requestMemory = .requests(limit: configuration.maxRequestBytes, connectionLimit: configuration.maxRequestBytesPerConnection)
        responseMemory = .responses(limit: configuration.maxResponseBytes, connectionLimit: configuration.maxResponseBytesPerConnection)
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
    }

    /// Connections open now.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Calls whose handler has not returned yet, over all connections.
    public var activeCallCount: Int { state.withLock { $0.connections.values.reduce(0) { $0 + $1.activity.activeCalls } } }

    /// The listening channel on the configured path. It is bound under a name of its own in
    /// the same directory, given its mode, then linked to the configured path (which fails,
    /// replacing nothing, if something appeared there since `prepareSocketPath`): a client
    /// never finds the socket before its mode is set, nor a test before the server is ready.
    private func bind(_ configuration: RPCServerConfiguration) async throws -> NIOAsyncChannel<AcceptedConnection, Never> {
        let path = configuration.socketPath
        guard path.utf8.count <= Self.maxSocketPathBytes else { throw SocketAddressError.unixDomainSocketPathTooLong }
        let staging = Self.stagingPath(for: path)
        // Children start with autoRead off and get their NIOAsyncChannel only in `serve`: a
        // child the listener accepts just as it closes is then dropped without an async
        // writer that would trap for not having been finished.
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .childChannelOption(.autoRead, value: false)
            // A client that shuts down its writing side still gets the answers to the calls
            // it sent (`ServerConnection.finishCallsAfterInputEnded`).
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(unixDomainSocketPath: staging) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let activity = ConnectionActivity()
                    try channel.pipeline.syncOperations.addHandler(FrameReader(configuration: configuration, activity: activity))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(ServerFrameEncoder()))
                    return AcceptedConnection(raw: channel, activity: activity, executor: EventLoopTaskExecutor(channel.eventLoop))
                }
            }
        var failure: RPCServerError?
        if chmod(staging, mode_t(configuration.socketMode)) != 0 {
            failure = RPCServerError("cannot set mode \(String(configuration.socketMode, radix: 8)) on \(path): \(String(cString: strerror(errno)))")
        } else if staging != path, link(staging, path) != 0 {
            failure = RPCServerError("cannot listen on \(path): \(String(cString: strerror(errno)))")
        }
        if staging != path { unlink(staging) }
        if let failure {
            try? await channel.executeThenClose { _ in }
            throw failure
        }
        return channel
    }

    /// A name for the socket in `path`'s directory while its mode is set; `path` itself when
    /// that name would pass the 107 bytes a socket's path may have.
    private static func stagingPath(for path: String) -> String {
        let directory = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        let staging = directory + ".lectern-\(UUID().uuidString.prefix(8)).sock"
        return staging.utf8.count <= maxSocketPathBytes ? staging : path
    }

    /// The most bytes `sockaddr_un` holds for a path, less its terminating zero.
    private static let maxSocketPathBytes = 107

    /// Binds the socket and serves until `shutdown()` or the task is cancelled, then
    /// removes the socket file.
    /// - Throws: `RPCServerError` when another server answers on the socket path, or
    ///   binding fails.
    public func run() async throws {
        let configuration = configuration
        let serverChannel: NIOAsyncChannel<AcceptedConnection, Never>
        do {
            try await prepareSocketPath()
            serverChannel = try await bind(configuration)
        } catch {
            // Nothing was served: the event loops stop here, as after serving.
            await stopEventLoops()
            switch error {
            case let error as IOError:
                throw RPCServerError("cannot listen on \(configuration.socketPath): \(String(cString: strerror(error.errnoCode)))")
            case SocketAddressError.unixDomainSocketPathTooLong:
                throw RPCServerError("cannot listen on \(configuration.socketPath): a Unix socket's path may have at most 107 bytes")
            default:
                throw error
            }
        }
        // A `shutdown()` that came before the channel was here found nothing to close.
        let shuttingDown = state.withLock { state in
            state.serverChannel = serverChannel.channel
            return state.shuttingDown
        }
        if shuttingDown { serverChannel.channel.close(promise: nil) }
        logger.info("listening", metadata: ["socket": "\(configuration.socketPath)"])
        defer {
            // Only a socket: whatever else is at the path now was put there by someone else.
            if Self.fileType(configuration.socketPath) == S_IFSOCK { unlink(configuration.socketPath) }
        }
        try await withTaskCancellationHandler {
            try await serverChannel.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { tasks in
                    for try await accepted in inbound {
                        // On the connection's event loop, which its set-up and its frames need.
                        tasks.addTask(executorPreference: accepted.executor) { await self.serve(accepted) }
                    }
                }
            }
        } onCancel: {
            serverChannel.channel.close(promise: nil)
        }
        await stopEventLoops()
    }

    /// Waits for the `shutdown()` calls in progress to return, then shuts the event loop
    /// group down.
    ///
    /// The last connections can end (their clients close them) while `shutdown()` still
    /// sends GOAWAY on each: a write to a loop already shut down is dropped and never
    /// completes, and `shutdown()` waited for it forever.
    private func stopEventLoops() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { state -> Bool in
                if state.shutdownsRunning > 0 {
                    state.shutdownWaiters.append(continuation)
                    return true
                }
                state.stopped = true
                state.serverChannel = nil
                return false
            }
            if !wait { continuation.resume() }
        }
        try? await group.shutdownGracefully()
    }

    /// Stops accepting, sends GOAWAY on every connection, waits up to the grace period for
    /// calls in flight to finish, then closes what is left. `run()` then returns.
    public func shutdown() async {
        let (serverChannel, connections, stopped) = state.withLock { state in
            state.shuttingDown = true
            if !state.stopped { state.shutdownsRunning += 1 }
            return (state.serverChannel, Array(state.connections.values), state.stopped)
        }
        // `run()` already stopped the event loops: there is nothing left to shut down.
        if stopped { return }
        defer {
            let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.shutdownsRunning -= 1
                guard state.shutdownsRunning == 0, !state.shutdownWaiters.isEmpty else { return [] }
                // `run()` waits to stop the event loops: a later `shutdown()` must not use them.
                state.stopped = true
                state.serverChannel = nil
                defer { state.shutdownWaiters.removeAll() }
                return state.shutdownWaiters
            }
            for waiter in waiters { waiter.resume() }
        }
        try? await serverChannel?.close()
        for connection in connections { await connection.goAway() }
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.shutdownGracePeriod
        while clock.now < deadline {
            let busy = state.withLock { $0.connections.values.contains { $0.activity.activeCalls > 0 } }
            if !busy { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        for connection in state.withLock({ Array($0.connections.values) }) { connection.close() }
    }

    private func serve(_ accepted: AcceptedConnection) async {
        let peer = await Self.peerCredentials(of: accepted.raw)
        let raw = accepted.raw
        // Wrapped on the event loop, with its liveness read in the same step: a channel the
        // client already closed would never report its end to a handler added now.
        let wrapped = try? await raw.eventLoop.submit {
            let channel = try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: raw)
            // With the channel's reader in place, the frames read already can go to it.
            try raw.pipeline.syncOperations.handler(type: FrameReader.self).start()
            // Reads stay on from here: the wrapper's back pressure pauses them when needed.
            try raw.syncOptions?.setOption(.autoRead, value: true)
            return (channel, raw.isActive)
        }.get()
        guard let (channel, active) = wrapped else {
            try? await raw.close()
            return
        }
        let served: ServerConnection?
        do {
            served = try await channel.executeThenClose { inbound, outbound -> ServerConnection? in
                guard active else { return nil }
                let admitted: ServerConnection? = state.withLock { state in
                    guard !state.shuttingDown, state.connections.count < configuration.maxConnections else { return nil }
                    state.nextConnectionID += 1
                    let connection = ServerConnection(
                        id: state.nextConnectionID, peer: peer, activity: accepted.activity, router: router,
                        configuration: configuration, requestBytes: HeldMemory.Account(requestMemory),
                        responseBytes: HeldMemory.Account(responseMemory),
                        outbound: outbound, channel: accepted.raw, executor: accepted.executor, logger: logger
                    )
                    state.connections[connection.id] = connection
                    return connection
                }
                guard let connection = admitted else {
                    try await outbound.write(Frame(kind: .goAway, callID: 0, message: GoAway.with {
                        $0.statusCode = RPCStatusCode.resourceExhausted.rawValue
                        $0.message = "more than \(configuration.maxConnections) connections are open"
                    }))
                    return nil
                }
                defer { state.withLock { _ = $0.connections.removeValue(forKey: connection.id) } }
                await connection.serve(inbound)
                return connection
            }
        } catch {
            logger.debug("connection closed with an error", metadata: ["error": "\(error)"])
            return
        }
        // The channel is closed: the handlers cancelled at its end can only fail to write.
        await served?.cancelledCallsEnded()
    }

    /// Refuses to start when a live server answers on the path, or when something other
    /// than a socket is there (`--socket lectern.db` must not delete the database); removes
    /// a stale socket file left by a process that died.
    private func prepareSocketPath() async throws {
        let path = configuration.socketPath
        guard let type = Self.fileType(path) else { return }
        guard type == S_IFSOCK else {
            throw RPCServerError("cannot listen on \(path): it exists and is not a socket; it was left as it is")
        }
        let live: Bool
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(1))
                .connect(unixDomainSocketPath: path).get()
            try? await channel.close()
            live = true
        } catch {
            live = false
        }
        if live { throw RPCServerError("another server is listening on \(path)") }
        logger.info("removing a stale socket file", metadata: ["socket": "\(path)"])
        guard unlink(path) == 0 || errno == ENOENT else {
            throw RPCServerError("cannot remove the stale socket file \(path): errno \(errno)")
        }
    }

    /// The type of the file at `path` (`S_IFSOCK`, `S_IFLNK`, …), not following a symbolic
    /// link; nil when there is none.
    private static func fileType(_ path: String) -> mode_t? {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : nil
    }

    /// `SO_PEERCRED` of an accepted Unix socket; unknown (uid 2^32-1) if it cannot be read.
    private static func peerCredentials(of channel: any Channel) async -> PeerCredentials {
        let unknown = PeerCredentials(pid: 0, uid: UInt32.max, gid: UInt32.max)
        guard let provider = channel as? any SocketOptionProvider else { return unknown }
        let future: EventLoopFuture<UCred> = provider.unsafeGetSocketOption(level: .socket, name: .init(rawValue: SO_PEERCRED))
        guard let credentials = try? await future.get() else { return unknown }
        return PeerCredentials(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid)
    }
}

/// A connection as the bootstrap hands it over, framed but not yet reading.
struct AcceptedConnection: Sendable {
    let raw: any Channel
    let activity: ConnectionActivity
    /// Runs the connection's task on its event loop.
    let executor: EventLoopTaskExecutor
}

/// Linux's `struct ucred` (pid_t, uid_t, gid_t), which Glibc's Swift module does not export.
private struct UCred: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// Why the server could not start.
public struct RPCServerError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
