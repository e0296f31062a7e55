import Foundation
import LecternClient
import LecternProtocol

/// Unary HealthService.Check calls against a running lecternd, in a closed loop at a given
/// concurrency, spread over a few connections.
struct RPCBenchmark {
    var socketPath: String
    var concurrency: Int
    var connections: Int
    var seconds: Double

    struct Result {
        var calls: Int
        var seconds: Double
        var latenciesNs: [UInt64]
        var perSecond: Double { Double(calls) / seconds }
        func percentile(_ fraction: Double) -> Double {
            guard !latenciesNs.isEmpty else { return 0 }
            return Double(latenciesNs[min(latenciesNs.count - 1, Int(Double(latenciesNs.count) * fraction))]) / 1000
        }
    }

    func run() async throws -> Result {
        var opened: [RPCConnection] = []
        for _ in 0..<max(1, min(connections, concurrency)) {
            opened.append(try await RPCConnection.connect(socketPath: socketPath))
        }
        let pool = opened
        let request = HealthCheckRequest()
        // Warm up every connection.
        for connection in pool { _ = try await connection.unary(HealthClient.check, request, as: HealthCheckResponse.self) }
        let clock = ContinuousClock()
        let start = clock.now
        let end = start + .milliseconds(Int64(seconds * 1000))
        let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for task in 0..<concurrency {
                let connection = pool[task % pool.count]
                group.addTask(executorPreference: connection.executor) {
                    var samples: [UInt64] = []
                    while clock.now < end {
                        let before = clock.now
                        let response = try await connection.unary(HealthClient.check, request, as: HealthCheckResponse.self)
                        guard response.status == .serving else { throw RPCError(.internal, "not serving") }
                        let elapsed = clock.now - before
                        samples.append(UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000))
                    }
                    return samples
                }
            }
            var all: [UInt64] = []
            for try await samples in group { all += samples }
            return all.sorted()
        }
        let elapsed = clock.now - start
        for connection in pool { await connection.close() }
        return Result(
            calls: latencies.count,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            latenciesNs: latencies
        )
    }
}
