import LecternProtocol

/// The status code a call ends with: OK, its RPCError's code, or UNKNOWN for any other error.
func status(_ body: () async throws -> Void) async -> RPCStatusCode {
    do {
        try await body()
        return .ok
    } catch let error as RPCError {
        return error.code
    } catch {
        return .unknown
    }
}
