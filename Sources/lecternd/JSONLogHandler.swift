import Foundation
import LecternProtocol
import Logging

/// One JSON object per line on standard error: time, level, label, message and the
/// metadata's keys, for log shippers.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("time", Date().formatted(.iso8601.time(includingFractionalSeconds: true).year().month().day())),
            ("level", event.level.rawValue), ("label", label), ("message", "\(event.message)"),
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }).sorted(by: { $0.key < $1.key }) {
            fields.append((key, "\(value)"))
        }
        let line = "{" + fields.map { "\(ProtoJSON.quoted($0)):\(ProtoJSON.quoted($1))" }.joined(separator: ",") + "}\n"
        Self.writeToStandardError(Array(line.utf8))
    }

    /// Writes with write(2), giving up on an error: a log reader that went away (EPIPE, as
    /// SIGPIPE is ignored) loses the lines and the server serves on. `FileHandle.write`
    /// traps on any error.
    static func writeToStandardError(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = write(STDERR_FILENO, base + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
