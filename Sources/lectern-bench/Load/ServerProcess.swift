import Foundation

/// A lecternd the benchmark started on a fresh database, and what /proc says of it.
final class ServerProcess: @unchecked Sendable {
    // @unchecked: the Process is only started and stopped by the benchmark's main task.
    let process: Process
    let socketPath: String
    let databasePath: String

    /// Starts `binary` on `directory`/lectern.sock and `directory`/lectern.db and waits for the socket.
    init(binary: String, directory: String, arguments: [String] = []) throws {
        socketPath = directory + "/lectern.sock"
        databasePath = directory + "/lectern.db"
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--socket", socketPath, "--database", databasePath, "--log-level", "error"] + arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<400 where !FileManager.default.fileExists(atPath: socketPath) {
            guard process.isRunning else { throw BenchError("lecternd exited at start (status \(process.terminationStatus))") }
            usleep(25_000)
        }
        guard FileManager.default.fileExists(atPath: socketPath) else { throw BenchError("lecternd did not create its socket") }
    }

    /// User plus system CPU time the server has used, in seconds.
    var cpuSeconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The server's peak resident memory (VmHWM), in bytes.
    var peakRSSBytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes * 1024
    }

    var walBytes: Int {
        ((try? FileManager.default.attributesOfItem(atPath: databasePath + "-wal"))?[.size] as? Int) ?? 0
    }

    /// SIGKILL: the process dies at once, in the middle of whatever it was doing.
    func crash() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
