import Foundation
import Histogram

/// What a workload measured: per RPC, throughput and latency percentiles; the server's CPU,
/// peak memory and WAL; errors by status code. As a table, or as JSON.
struct Report: Encodable {
    struct Figures: Encodable {
        var name: String
        var calls: UInt64
        var perSecond: Double
        var p50Ms: Double
        var p90Ms: Double
        var p99Ms: Double
        var p999Ms: Double
        var maxMs: Double
        var errors: [String: Int]
    }

    struct Server: Encodable {
        /// Of one core: 200 is both cores of this machine.
        var cpuPercent: Double
        var peakRSSMB: Double
        var walMB: Double
    }

    var workload: String
    var parameters: [String: String]
    var seconds: Double
    var rpcs: [Figures]
    var eventsPerSecond: Double?
    var server: Server?

    init(workload: String, parameters: [String: String], seconds: Double, recorder: Recorder, eventsPerCall: [String: Int] = [:], server: Server?) {
        self.workload = workload
        self.parameters = parameters
        self.seconds = seconds
        self.server = server
        var events = 0.0
        rpcs = recorder.snapshot().sorted { $0.key < $1.key }.map { name, entry in
            let h = entry.latencies
            func ms(_ percentile: Double) -> Double { Double(h.valueAtPercentile(percentile)) / 1000 }
            events += Double(h.totalCount) * Double(eventsPerCall[name] ?? 0)
            return Figures(
                name: name, calls: h.totalCount, perSecond: Double(h.totalCount) / seconds,
                p50Ms: ms(50), p90Ms: ms(90), p99Ms: ms(99), p999Ms: ms(99.9), maxMs: Double(h.max) / 1000,
                errors: Dictionary(uniqueKeysWithValues: entry.errors.map { ("\($0.key)", $0.value) })
            )
        }
        eventsPerSecond = eventsPerCall.isEmpty ? nil : events / seconds
    }

    func printTable() {
        print("\(workload): " + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + String(format: ", %.1f s", seconds))
        print(pad("rpc", 22) + pad("calls", 10) + pad("per s", 11) + pad("p50 ms", 9) + pad("p90 ms", 9) + pad("p99 ms", 9)
              + pad("p99.9 ms", 10) + pad("max ms", 9) + "errors")
        for rpc in rpcs {
            let errors = rpc.errors.isEmpty ? "0" : rpc.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print(pad(rpc.name, 22) + pad("\(rpc.calls)", 10) + pad(String(format: "%.0f", rpc.perSecond), 11)
                  + [rpc.p50Ms, rpc.p90Ms, rpc.p99Ms].map { pad(String(format: "%.2f", $0), 9) }.joined()
                  + pad(String(format: "%.2f", rpc.p999Ms), 10) + pad(String(format: "%.2f", rpc.maxMs), 9) + errors)
        }
        if let eventsPerSecond { print(String(format: "acknowledged events: %.0f/s", eventsPerSecond)) }
        if let server {
            print(String(format: "server: CPU %.0f %% of one core, peak RSS %.1f MB, WAL %.1f MB", server.cpuPercent, server.peakRSSMB, server.walMB))
        }
    }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
