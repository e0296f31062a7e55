import LecternProtocol
import LecternServer
import Synchronization

/// `lectern.v1.HealthService`: whether the server and each named service are serving.
/// The server is SERVING from start until shutdown begins; `Watch` sends the status at
/// once and again at every change.
public final class HealthService: Sendable {
    private struct State {
        var statuses: [String: ServingStatus]
        var watchers: [UInt64: AsyncStream<Void>.Continuation] = [:]
        var nextWatcher: UInt64 = 0
        /// Shutdown began: watches end.
        var shutDown = false
    }

    private let state: Mutex<State>

    /// - Parameter services: the names that `Check` knows, besides "" (the whole server).
    public init(services: [String]) {
        var statuses = Dictionary(uniqueKeysWithValues: services.map { ($0, ServingStatus.serving) })
        statuses[""] = .serving
        state = Mutex(State(statuses: statuses))
    }

    /// Shutdown begins: every service is NOT_SERVING, the watchers are told, and their
    /// streams then end with UNAVAILABLE. A watch left open would hold the server's shutdown
    /// for its whole grace period (10 s), whenever a gateway watched health.
    public func shutDown() {
        let watchers = state.withLock { state in
            for key in state.statuses.keys { state.statuses[key] = .notServing }
            state.shutDown = true
            defer { state.watchers.removeAll() }
            return Array(state.watchers.values)
        }
        for watcher in watchers {
            watcher.yield()
            watcher.finish()
        }
    }

    public func status(of service: String) -> ServingStatus {
        state.withLock { $0.statuses[service] } ?? .serviceUnknown
    }

    /// Registers Check and Watch on `router`.
    public func register(on router: inout RPCRouter) {
        router.unary("/lectern.v1.HealthService/Check", onEventLoop: true) { [self] (request: HealthCheckRequest, _) in
            HealthCheckResponse.with { $0.status = status(of: request.service) }
        }
        router.serverStreaming("/lectern.v1.HealthService/Watch") { [self] (request: HealthCheckRequest, _, writer: ResponseWriter<HealthCheckResponse>) in
            let (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            let id = state.withLock { state -> UInt64? in
                guard !state.shutDown else { return nil }
                state.nextWatcher += 1
                state.watchers[state.nextWatcher] = continuation
                return state.nextWatcher
            }
            if id == nil { continuation.finish() }
            defer { if let id { _ = state.withLock { $0.watchers.removeValue(forKey: id) } } }
            var last = status(of: request.service)
            try await writer.write(HealthCheckResponse.with { $0.status = last })
            for await _ in changes {
                let now = status(of: request.service)
                guard now != last else { continue }
                last = now
                try await writer.write(HealthCheckResponse.with { $0.status = now })
            }
            // The changes end only at shutdown.
            throw RPCError(.unavailable, "the server is shutting down; watch again on a new connection")
        }
    }
}
