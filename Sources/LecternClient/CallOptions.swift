/// Per-call options.
public struct CallOptions: Sendable {
    /// Time the server allows the call, sent in CALL_START; nil for no deadline.
    public var timeout: Duration?
    /// Extra metadata, such as `authorization`.
    public var metadata: [String: String]

    public init(timeout: Duration? = nil, metadata: [String: String] = [:]) {
        self.timeout = timeout
        self.metadata = metadata
    }

    var timeoutMs: UInt64 {
        guard let timeout else { return 0 }
        let ms = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        return UInt64(max(1, ms))
    }
}
