import LecternClient
import LecternProtocol
import Testing
@testable import LecternServices

@Suite("HealthService over a real socket")
struct HealthServiceTests {
    @Test("at shutdown Watch says NOT_SERVING and ends with UNAVAILABLE, so it does not hold the shutdown; a later Watch ends at once")
    func watchEndsAtShutdown() async throws {
        try await withTestServer { server in
            let health = HealthClient(server.client)
            // A watch that did not end at shutdown would end here instead, DEADLINE_EXCEEDED.
            let bounded = CallOptions(timeout: .seconds(5))
            /// The statuses a watch saw, and the code it ended with; `onFirst` runs after the first.
            func watch(onFirst: () -> Void = {}) async throws -> ([ServingStatus], RPCStatusCode?) {
                var seen: [ServingStatus] = []
                do {
                    for try await response in try await health.watch(options: bounded) {
                        seen.append(response.status)
                        if seen.count == 1 { onFirst() }
                    }
                } catch let error as RPCError {
                    return (seen, error.code)
                }
                return (seen, nil)
            }
            var (seen, ended) = try await watch { server.services.beginShutdown() }
            #expect(seen == [.serving, .notServing])
            #expect(ended == .unavailable)
            // A watch that starts after: its status, then the same end.
            (seen, ended) = try await watch()
            #expect(seen == [.notServing] && ended == .unavailable)
        }
    }
}
