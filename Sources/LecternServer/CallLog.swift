import LecternProtocol
import Logging

/// Each call's log line: at debug when it succeeded (or was cancelled), at warning with its
/// message when it failed. Built only when its level is logged: this runs once per call.
enum CallLog {
    static func record(_ status: RPCStatusCode, _ failure: String, of context: ServerContext, took duration: Duration, to logger: Logger) {
        let succeeded = status == .ok || status == .cancelled
        guard logger.logLevel <= (succeeded ? .debug : .warning) else { return }
        var metadata: Logger.Metadata = [
            "rpc.method": "\(context.method)", "rpc.status": "\(status)",
            "rpc.duration_us": "\(microseconds(duration))", "peer.pid": "\(context.peer.pid)",
        ]
        if let requestID = context.metadata["x-request-id"] { metadata["request_id"] = "\(loggable(requestID))" }
        if succeeded {
            logger.debug("call", metadata: metadata)
        } else {
            metadata["rpc.message"] = "\(loggable(failure))"
            logger.warning("call failed", metadata: metadata)
        }
    }

    /// Text a client chose, fit for one log line: control characters escaped (a newline
    /// in a request id must not start a forged line) and at most 256 characters.
    static func loggable(_ text: String) -> String {
        var line = ""
        for scalar in text.unicodeScalars.prefix(256) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                line += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                line.unicodeScalars.append(scalar)
            }
        }
        return text.unicodeScalars.count > 256 ? line + "…" : line
    }

    private static func microseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
    }
}
