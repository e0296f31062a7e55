import Foundation
import Synchronization

private let launching = Mutex(())

/// Starts `process`, one launch at a time: Foundation's `Process.run` crashed once while
/// parallel test cases launched processes at the same moment.
func launch(_ process: Process) throws {
    try launching.withLock { _ in try process.run() }
}
