/// A reader account to create.
public struct NewReader: Sendable, Hashable {
    public var email: String
    public var displayName: String
    /// An encoded password hash (argon2id); never the password.
    public var passwordHash: String

    public init(email: String, displayName: String, passwordHash: String) {
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
    }
}

/// A stored reader account.
public struct ReaderRecord: Sendable, Hashable {
    public var id: Int64
    public var email: String
    public var displayName: String
    public var passwordHash: String
    /// 1 active, 2 suspended (ReaderStatus in Protos).
    public var status: Int
    public var createdAtMs: Int64
    public var lastSeenAtMs: Int64
}
