/// A consultant account to create.
public struct NewConsultant: Sendable, Hashable {
    public var email: String
    public var displayName: String
    /// An encoded password hash (argon2id); never the password.
    public var passwordHash: String
    /// 1 viewer, 2 supervisor, 3 admin (ConsultantRole in Protos).
    public var role: Int

    public init(email: String, displayName: String, passwordHash: String, role: Int) {
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.role = role
    }
}

/// A stored consultant account.
public struct ConsultantRecord: Sendable, Hashable {
    public var id: Int64
    public var email: String
    public var displayName: String
    public var passwordHash: String
    public var role: Int
    public var createdAtMs: Int64
}

/// Whose a session is: 1 a reader, 2 a consultant (AccountKind in Protos).
public struct SessionRecord: Sendable, Hashable {
    /// The hash of the token; the token itself is never stored.
    public var tokenHash: [UInt8]
    public var accountKind: Int
    public var accountID: Int64
    public var createdAtMs: Int64
    public var expiresAtMs: Int64
    /// 0 while the session is valid.
    public var revokedAtMs: Int64

    public init(tokenHash: [UInt8], accountKind: Int, accountID: Int64, createdAtMs: Int64, expiresAtMs: Int64, revokedAtMs: Int64 = 0) {
        self.tokenHash = tokenHash
        self.accountKind = accountKind
        self.accountID = accountID
        self.createdAtMs = createdAtMs
        self.expiresAtMs = expiresAtMs
        self.revokedAtMs = revokedAtMs
    }
}
