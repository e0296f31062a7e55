import LecternProtocol

/// Encodes and decodes an AppendEventsRequest of typical events on one thread and reports
/// events per second: the codec's cost on the ingest path, without sockets or storage.
struct CodecBenchmark {
    /// Events in the request.
    var eventsPerRequest = 100
    /// How long each measurement runs, in seconds.
    var secondsPerRound = 1.0
    /// Measurements taken; the best and the median are reported.
    var rounds = 5

    struct Result {
        var name: String
        var eventsPerSecond: [Double]
        var best: Double { eventsPerSecond.max() ?? 0 }
        var median: Double { eventsPerSecond.sorted()[eventsPerSecond.count / 2] }
    }

    /// A request shaped like a reader's client sends: a 36-byte session id, a short type,
    /// a content id, progress on half the events and a ~60-byte JSON payload.
    func makeRequest() -> AppendEventsRequest {
        let types = ["page_view", "progress", "answer", "heartbeat"]
        return AppendEventsRequest.with { request in
            request.events = (0..<eventsPerRequest).map { index in
                EventInput.with {
                    $0.clientSessionID = "7f3a9c2e-41d8-4b6a-9e0f-1c2d3e4f5a6b"
                    $0.sequence = UInt64(1000 + index)
                    $0.type = types[index % types.count]
                    $0.occurredAtMs = 1_795_000_000_000 + Int64(index) * 250
                    $0.contentID = "book-0042/ch-07"
                    if index % 2 == 0 { $0.progress = Double(index) / Double(eventsPerRequest) }
                    $0.payload = Array(#"{"page":\#(index),"scroll":0.42,"viewport":"1280x720","ms":1834}"#.utf8)
                }
            }
        }
    }

    func run() throws -> [Result] {
        let request = makeRequest()
        let bytes = request.serializedBytes()
        guard try AppendEventsRequest(serializedBytes: bytes) == request else {
            throw CodecBenchmarkError(message: "AppendEventsRequest does not round-trip")
        }

        var sink = 0
        let encode = measure("encode") {
            sink &+= request.serializedBytes().count
        }
        let decode = try measureThrowing("decode") {
            sink &+= try AppendEventsRequest(serializedBytes: bytes).events.count
        }
        // Keeps the optimizer from dropping the work.
        if sink == 42 { print("") }
        return [encode, decode]
    }

    private func measure(_ name: String, _ body: () -> Void) -> Result {
        (try? measureThrowing(name, body)) ?? Result(name: name, eventsPerSecond: [])
    }

    private func measureThrowing(_ name: String, _ body: () throws -> Void) throws -> Result {
        let clock = ContinuousClock()
        for _ in 0..<1_000 { try body() }  // warm-up
        var rates: [Double] = []
        for _ in 0..<rounds {
            var iterations = 0
            let start = clock.now
            let budget = Duration.milliseconds(Int64(secondsPerRound * 1000))
            var elapsed = Duration.zero
            while elapsed < budget {
                for _ in 0..<100 { try body() }
                iterations += 100
                elapsed = clock.now - start
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            rates.append(Double(iterations * eventsPerRequest) / seconds)
        }
        return Result(name: name, eventsPerSecond: rates)
    }
}

struct CodecBenchmarkError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
