import NIOCore

/// How an `RPCServer` listens and what it allows. Every limit has a default that runs.
public struct RPCServerConfiguration: Sendable {
    /// Path of the Unix socket; defaults to `./lectern.sock`.
    public var socketPath: String
    /// Permission bits of the socket file; defaults to 0o660 (owner and group).
    public var socketMode: UInt32 = 0o660
    /// Largest frame payload accepted, in bytes; defaults to 4 MiB. A larger one ends the
    /// connection with GOAWAY RESOURCE_EXHAUSTED.
    public var maxFrameBytes = 4 * 1024 * 1024
    /// Calls open at once on one connection; defaults to 1,024. One more is ended at once
    /// with RESOURCE_EXHAUSTED; the connection stays.
    public var maxConcurrentCallsPerConnection = 1_024
    /// Connections open at once; defaults to 8,192. One more gets GOAWAY RESOURCE_EXHAUSTED.
    public var maxConnections = 8_192
    /// Request messages a client-streaming call may have waiting for its handler; defaults
    /// to 64. While as many wait, or `maxBufferedRequestBytes`, the connection reads no more
    /// frames until the handler takes one: a client that sends faster is slowed down.
    public var maxBufferedRequestMessages = 64
    /// Bytes of request messages a client-streaming call may have waiting; defaults to 8 MiB.
    public var maxBufferedRequestBytes = 8 * 1024 * 1024
    /// Largest CALL_START payload (method, metadata and timeout), in bytes; defaults to
    /// 16 KiB. A larger one ends its call with RESOURCE_EXHAUSTED; the connection stays.
    public var maxCallStartBytes = 16 * 1024
    /// Bytes of request data the open calls of one connection may hold (see
    /// `HeldMemory`); defaults to 32 MiB. A call or message past it ends its call with
    /// RESOURCE_EXHAUSTED.
    public var maxRequestBytesPerConnection = 32 * 1024 * 1024
    /// The same for all connections together; defaults to 256 MiB.
    public var maxRequestBytes = 256 * 1024 * 1024
    /// Bytes of responses one connection's ended calls may hold while its client has not read
    /// what came before (see `HeldMemory`); defaults to 16 MiB. A response past it is dropped
    /// and its call ends with RESOURCE_EXHAUSTED, saying that the call ran. At least
    /// `maxFrameBytes`, so that any one response fits.
    public var maxResponseBytesPerConnection = 16 * 1024 * 1024
    /// The same for all connections together; defaults to 256 MiB.
    public var maxResponseBytes = 256 * 1024 * 1024
    /// A connection with no call and no frame for this long is closed (GOAWAY); defaults to 300 s.
    public var idleTimeout: Duration = .seconds(300)
    /// A frame whose bytes started arriving must be complete within this time, or the
    /// connection is closed (GOAWAY); defaults to 10 s.
    public var frameCompletionTimeout: Duration = .seconds(10)
    /// On shutdown, how long calls in flight may take to finish; defaults to 10 s.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// Event loop threads; defaults to the number of cores.
    public var eventLoopThreads = System.coreCount

    public init(socketPath: String = "./lectern.sock") {
        self.socketPath = socketPath
    }
}
