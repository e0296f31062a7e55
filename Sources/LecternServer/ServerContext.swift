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
