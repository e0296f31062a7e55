/// `lectern.v1.LogoutRequest`: empty; the token is the call's authorization.
public struct LogoutRequest: EmptyProtoMessage {
    public init() {}
    public static let protoName = "lectern.v1.LogoutRequest"
}

/// `lectern.v1.LogoutResponse`.
public struct LogoutResponse: EmptyProtoMessage {
    public init() {}
    public static let protoName = "lectern.v1.LogoutResponse"
}
