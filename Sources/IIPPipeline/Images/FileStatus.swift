package import IIPImaging
import IIPProtocol

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `stat` says about a file, enough to notice that it changed.
package struct FileStatus: Sendable, Hashable {
    /// Modification time in nanoseconds since 1970.
    package var modified: Int64
    /// Size in bytes.
    package var size: Int64
    /// Device and inode, which change when a file is replaced by rename.
    package var device: UInt64
    /// Inode number.
    package var inode: UInt64
    /// Whether it is a regular file.
    package var isRegularFile: Bool
    /// A remote object's entity tag (empty for local files), which changes when the object does.
    package var version: String
    /// Whether this is the status of an object on a remote store rather than a local file.
    package var isRemote = false

    /// Modification time in whole seconds, as HTTP dates carry it.
    package var modifiedSeconds: Int64 {
        modified >= 0 ? modified / 1_000_000_000 : (modified - 999_999_999) / 1_000_000_000
    }

    /// Creates a status.
    package init(
        modified: Int64, size: Int64, device: UInt64, inode: UInt64, isRegularFile: Bool, version: String = ""
    ) {
        self.modified = modified
        self.size = size
        self.device = device
        self.inode = inode
        self.isRegularFile = isRegularFile
        self.version = version
    }

    /// The status of a remote object: its length, Last-Modified date (0 when the store sends none) and entity tag.
    package init(remote: RemoteObjectVersion) {
        let seconds = HTTPDate.parse(remote.lastModified) ?? 0
        self.init(
            modified: seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow ? 0 : seconds * 1_000_000_000,
            size: Int64(remote.length), device: 0, inode: 0, isRegularFile: true, version: remote.tag)
        isRemote = true
    }

    /// Stats `path` (a blocking call: run it on the ``CodecExecutor``); `nil` when it does not exist.
    package static func of(_ path: String) -> FileStatus? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
            let seconds = Int64(info.st_mtimespec.tv_sec)
            let nanoseconds = Int64(info.st_mtimespec.tv_nsec)
        #else
            let seconds = Int64(info.st_mtim.tv_sec)
            let nanoseconds = Int64(info.st_mtim.tv_nsec)
        #endif
        return FileStatus(
            modified: seconds * 1_000_000_000 + nanoseconds, size: Int64(info.st_size), device: UInt64(info.st_dev),
            inode: UInt64(info.st_ino), isRegularFile: (info.st_mode & S_IFMT) == S_IFREG)
    }
}
