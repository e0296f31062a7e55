import LecternProtocol

/// The error a call ends with: nil when it succeeds, its RPCError, or UNKNOWN for any other error.
func rpcError(_ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        return RPCError(.unknown, "\(error)")
    }
}

/// The status code a call ends with: OK, its RPCError's code, or UNKNOWN for any other error.
func status(_ body: () async throws -> Void) async -> RPCStatusCode {
    await rpcError(body)?.code ?? .ok
}
