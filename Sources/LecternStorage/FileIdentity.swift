#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file as the kernel knows it (device and inode), whatever path names it.
struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64

    /// The file `path` names (through symbolic links); nil when there is none.
    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}
