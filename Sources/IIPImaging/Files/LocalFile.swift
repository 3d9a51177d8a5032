#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A regular file on a local file system, read with `pread` on a descriptor opened once.
public final class LocalFile: ByteSource {
    /// The length of the file when it was opened.
    public let length: Int
    /// The file's path.
    public let name: String
    private let descriptor: Int32

    /// Opens `path` for reading.
    ///
    /// - Throws: ``ImagingError/unreadable(path:reason:)`` when it cannot be opened or is not a regular file.
    public init(path: String) throws(ImagingError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw .unreadable(path: path, reason: "not a regular file")
        }
        self.descriptor = descriptor
        self.length = Int(status.st_size)
        self.name = path
    }

    deinit { close(descriptor) }

    /// Reads with `pread`, retrying when interrupted; a read error ends the read early, as the end of the file
    /// does, so that a file truncated under the server reads short rather than failing outright.
    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(ImagingError) -> Int {
        guard offset >= 0, offset < length, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let wanted = min(buffer.count, length - offset)
        var done = 0
        while done < wanted {
            let got = pread(descriptor, base + done, wanted - done, off_t(offset + done))
            if got <= 0 {
                if got < 0, errno == EINTR { continue }
                break
            }
            done += got
        }
        return done
    }
}
