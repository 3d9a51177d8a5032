import COpenJPEG

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open JPEG 2000 file that OpenJPEG reads through its stream callbacks with `pread`: the file is opened once
/// per source, and every decode gets a fresh stream (OpenJPEG's decoder is single-use) without reopening it.
///
/// Not `Sendable`: one decode uses one stream at a time, as the source that owns it.
final class OpenJPEGFileReader {
    /// The file's length in bytes.
    let length: Int
    private let descriptor: Int32

    /// Opens `path` for reading.
    init(path: String) throws(ImagingError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw .unreadable(path: path, reason: "not a regular file")
        }
        self.descriptor = descriptor
        self.length = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// Reads up to `count` bytes at `offset`; fewer at the end of the file, none past it.
    func read(at offset: Int, count: Int) -> [UInt8] {
        guard offset >= 0, offset < length, count > 0 else { return [] }
        let wanted = min(count, length - offset)
        return [UInt8](unsafeUninitializedCapacity: wanted) { buffer, initialized in
            var done = 0
            while done < wanted {
                let got = pread(descriptor, buffer.baseAddress! + done, wanted - done, off_t(offset + done))
                if got <= 0 {
                    if got < 0, errno == EINTR { continue }
                    break
                }
                done += got
            }
            initialized = done
        }
    }

    /// Runs `body` with a new OpenJPEG input stream positioned at the start of the file.
    func withStream<T>(
        _ body: (UnsafeMutablePointer<opj_stream_t?>) throws(ImagingError) -> T
    ) throws(ImagingError) -> T {
        let cursor = Cursor(descriptor: descriptor, length: length)
        return try withExtendedLifetime(cursor) { () throws(ImagingError) -> T in
            // 64 KiB chunks: OpenJPEG reads larger spans straight into its own buffers.
            guard let stream = opj_stream_create(65536, 1) else { throw .decodeFailed("JPEG 2000: out of memory") }
            defer { opj_stream_destroy(stream) }
            opj_stream_set_user_data(stream, Unmanaged.passUnretained(cursor).toOpaque(), nil)
            opj_stream_set_user_data_length(stream, UInt64(length))
            opj_stream_set_read_function(stream, Cursor.read)
            opj_stream_set_skip_function(stream, Cursor.skip)
            opj_stream_set_seek_function(stream, Cursor.seek)
            return try body(stream)
        }
    }

    /// A stream's position in the file.
    private final class Cursor {
        let descriptor: Int32
        let length: Int
        var position = 0

        init(descriptor: Int32, length: Int) {
            self.descriptor = descriptor
            self.length = length
        }

        static let read: opj_stream_read_fn = { buffer, count, context in
            guard let buffer, let context else { return -1 }
            let cursor = Unmanaged<Cursor>.fromOpaque(context).takeUnretainedValue()
            guard cursor.position < cursor.length else { return -1 }  // (OPJ_SIZE_T)-1: end of stream
            let wanted = min(count, cursor.length - cursor.position)
            var done = 0
            while done < wanted {
                let got = pread(cursor.descriptor, buffer + done, wanted - done, off_t(cursor.position + done))
                if got <= 0 {
                    if got < 0, errno == EINTR { continue }
                    break
                }
                done += got
            }
            guard done > 0 else { return -1 }
            cursor.position += done
            return done
        }

        static let skip: opj_stream_skip_fn = { count, context in
            guard let context else { return -1 }
            let cursor = Unmanaged<Cursor>.fromOpaque(context).takeUnretainedValue()
            let (target, overflow) = cursor.position.addingReportingOverflow(Int(count))
            guard !overflow, target >= 0 else { return -1 }
            cursor.position = target
            return count
        }

        static let seek: opj_stream_seek_fn = { offset, context in
            guard let context, offset >= 0 else { return 0 }
            let cursor = Unmanaged<Cursor>.fromOpaque(context).takeUnretainedValue()
            guard Int(offset) <= cursor.length else { return 0 }
            cursor.position = Int(offset)
            return 1
        }
    }
}
