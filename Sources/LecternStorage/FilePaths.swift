import Foundation

// Files the server is asked to write beside its database (backups, archives): where they
// really are, and which of them SQLite itself would touch.

/// The file `path` names, with its directory resolved as the kernel resolves it
/// (`realpath`): no `.`, `..` or symbolic link is left in the directory part.
///
/// A backup or an archive is a file SQLite creates, and SQLite resolves such a path its own
/// way: it drops `sub/..` even when `sub` does not exist, and takes `..` after a symbolic
/// link lexically. Checks made on the path as given, and the calls after it (`link`,
/// `unlink`), would then name another file than the one SQLite wrote.
/// - Throws: `invalidArgument` when the path names no file, or its directory does not
///   exist or is not a directory.
public func resolvedFilePath(_ path: String) throws(StorageError) -> String {
    guard path.hasPrefix("/"), let slash = path.lastIndex(of: "/") else {
        throw StorageError(.invalidArgument, "\(path) is not an absolute path")
    }
    let name = path[path.index(after: slash)...]
    guard !name.isEmpty, name != ".", name != ".." else {
        throw StorageError(.invalidArgument, "\(path) does not name a file")
    }
    let directory = slash == path.startIndex ? "/" : String(path[..<slash])
    guard let resolved = realpath(directory, nil) else {
        throw StorageError(.invalidArgument, "the directory \(directory) cannot be used: \(String(cString: strerror(errno)))")
    }
    defer { free(resolved) }
    let base = String(cString: resolved)
    var status = stat()
    guard stat(base, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
        throw StorageError(.invalidArgument, "\(directory) is not a directory")
    }
    return (base == "/" ? "" : base) + "/" + name
}

/// The first `count` bytes of the file at `path` (fewer when it is shorter); nil when it
/// cannot be opened. Opening does not wait, as a plain open of a FIFO would.
/// - Throws: `invalidArgument` when `path` is not a regular file (a directory, a device).
func regularFilePrefix(_ path: String, count: Int) throws(StorageError) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
        throw StorageError(.invalidArgument, "\(path) is not a regular file")
    }
    var bytes = [UInt8](repeating: 0, count: count)
    let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, 0) }
    return Array(bytes.prefix(max(0, read)))
}

/// The suffixes of the files SQLite keeps beside a database: its WAL, the WAL's shared
/// memory, and the rollback journal it looks for (before it sees WAL mode).
public let sqliteSideFileSuffixes = ["-wal", "-shm", "-journal"]

/// Whether `path` (resolved) is where SQLite looks for `database`'s rollback journal. A
/// backup or an archive there is taken for a hot journal the next time the database is
/// opened (before SQLite sees that the database is in WAL mode), found invalid, and deleted.
func isRollbackJournal(_ path: String, of database: String) -> Bool {
    let absolute = database.hasPrefix("/") ? database : FileManager.default.currentDirectoryPath + "/" + database
    return (try? resolvedFilePath(absolute + "-journal")) == path
}
