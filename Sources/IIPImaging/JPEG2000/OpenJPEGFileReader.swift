import COpenJPEG

/// An open JPEG 2000 file that OpenJPEG reads through its stream callbacks: the file (a ``ByteSource``, local or
/// remote) is opened once per source, and every decode gets a fresh stream (OpenJPEG's decoder is single-use)
/// without reopening it.
///
/// Not `Sendable`: one decode uses one stream at a time, as the source that owns it.
final class OpenJPEGFileReader {
    /// The file's length in bytes.
    var length: Int { source.length }
    /// Where the bytes come from.
    let source: any ByteSource

    /// Opens the local file at `path` for reading.
    convenience init(path: String) throws(ImagingError) {
        self.init(source: try LocalFile(path: path))
    }

    /// Reads `source`.
    init(source: any ByteSource) {
        self.source = source
    }

    /// Reads up to `count` bytes at `offset`; fewer at the end of the file, none past it or when it cannot be read.
    func read(at offset: Int, count: Int) -> [UInt8] {
        (try? source.read(at: offset, count: count)) ?? []
    }

    /// Runs `body` with a new OpenJPEG input stream positioned at the start of the file.
    ///
    /// - Throws: what `body` throws; when the file could not be read during it, the read's error instead (a remote
    ///   store that failed), so that the answer says why rather than that the codestream was bad.
    func withStream<T>(
        _ body: (UnsafeMutablePointer<opj_stream_t?>) throws(ImagingError) -> T
    ) throws(ImagingError) -> T {
        let cursor = Cursor(source: source)
        return try withExtendedLifetime(cursor) { () throws(ImagingError) -> T in
            // 64 KiB chunks: OpenJPEG reads larger spans straight into its own buffers.
            guard let stream = opj_stream_create(65536, 1) else { throw .decodeFailed("JPEG 2000: out of memory") }
            defer { opj_stream_destroy(stream) }
            opj_stream_set_user_data(stream, Unmanaged.passUnretained(cursor).toOpaque(), nil)
            opj_stream_set_user_data_length(stream, UInt64(source.length))
            opj_stream_set_read_function(stream, Cursor.read)
            opj_stream_set_skip_function(stream, Cursor.skip)
            opj_stream_set_seek_function(stream, Cursor.seek)
            do throws(ImagingError) {
                return try body(stream)
            } catch {
                throw cursor.failure ?? error
            }
        }
    }

    /// A stream's position in the file.
    private final class Cursor {
        let source: any ByteSource
        let length: Int
        var position = 0
        /// The first read error, kept for the caller: OpenJPEG only sees the end of the stream.
        var failure: ImagingError?

        init(source: any ByteSource) {
            self.source = source
            self.length = source.length
        }

        static let read: opj_stream_read_fn = { buffer, count, context in
            guard let buffer, let context else { return -1 }
            let cursor = Unmanaged<Cursor>.fromOpaque(context).takeUnretainedValue()
            guard cursor.position < cursor.length else { return -1 }  // (OPJ_SIZE_T)-1: end of stream
            let wanted = min(count, cursor.length - cursor.position)
            let done: Int
            do throws(ImagingError) {
                done = try cursor.source.read(
                    at: cursor.position, into: UnsafeMutableRawBufferPointer(start: buffer, count: wanted))
            } catch {
                cursor.failure = cursor.failure ?? error
                return -1
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
