import LecternProtocol

/// What a handler knows about its call.
public struct ServerContext: Sendable {
    /// "/lectern.v1.HealthService/Check".
    public let method: String
    /// The call's metadata (keys lower-case).
    public let metadata: [String: String]
    /// When the call must be done; nil when the caller set no deadline.
    public let deadline: ContinuousClock.Instant?
    /// Who is on the other end of the socket (SO_PEERCRED).
    public let peer: PeerCredentials
    /// The call's connection's event loop, as a task executor. Code that wakes often to
    /// write a little (a Watch stream's live updates) runs here under
    /// `withTaskExecutorPreference`: each wake-up then writes to the socket on the thread
    /// it was resumed on, not on a pool thread that hands the write to the loop. The same
    /// rule as for `RPCRouter.unary(onEventLoop:)`: only work of a few microseconds between
    /// suspensions, since it holds up every connection of the loop.
    public let eventLoopExecutor: any TaskExecutor

    /// Metadata keys are case-insensitive, as in HTTP and gRPC: `Authorization` is
    /// `authorization`. Two keys that differ only in case are refused: either could be meant.
    static func lowercasingKeys(_ metadata: [String: String]) throws(RPCError) -> [String: String] {
        guard metadata.keys.contains(where: { $0.utf8.contains { (0x41...0x5A).contains($0) } }) else { return metadata }
        var lowercased: [String: String] = [:]
        for (key, value) in metadata {
            let lower = String(decoding: key.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
            guard lowercased.updateValue(value, forKey: lower) == nil else {
                throw RPCError(.invalidArgument, "CALL_START metadata: the key \(lower) appears twice (keys are case-insensitive)")
            }
        }
        return lowercased
    }
}

/// The credentials of the process on the other end of a Unix socket, from `SO_PEERCRED`.
public struct PeerCredentials: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    public var description: String { "pid \(pid) uid \(uid) gid \(gid)" }
}
