import Glibc

/// Runs `arguments` (found on PATH) with standard input, output and error redirected to
/// files, and waits for it; returns its exit status (128 + the signal if one ended it).
///
/// Tests start child processes through `posix_spawn` rather than Foundation's
/// `Process.run`, which crashed twice (a bad memcpy inside it) while the suites ran in
/// parallel and opened and closed many descriptors.
/// - Throws: `SpawnError` when the process cannot be started.
public func spawnAndWait(_ arguments: [String], stdin: String = "/dev/null", stdout: String = "/dev/null", stderr: String = "/dev/null") throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let result = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ)
    guard result == 0 else { throw SpawnError(arguments: arguments, errno: result) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 {
        guard errno == EINTR else { throw SpawnError(arguments: arguments, errno: errno) }
    }
    // WIFEXITED / WEXITSTATUS / WTERMSIG, which Glibc's Swift module does not export.
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
}

/// A child process that could not be started.
public struct SpawnError: Error, CustomStringConvertible {
    public let arguments: [String]
    public let errno: Int32
    public var description: String { "cannot start \(arguments.joined(separator: " ")): errno \(errno)" }
}
