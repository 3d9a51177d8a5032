import CIIPShims
import CTIFF

/// An open libtiff handle with its own error capture (libtiff's per-handle handlers, never the global ones).
///
/// A `TIFF*` is stateful (current directory, read buffers) and not thread-safe, so this type is not
/// `Sendable`: it is owned by one reader at a time.
final class TIFFFile {
    let handle: OpaquePointer
    private let messages: UnsafeMutablePointer<iip_tiff_messages>
    /// The file offset of the directory currently selected, to skip redundant switches.
    private(set) var currentDirectoryOffset: UInt64

    /// Opens `path` read-only without memory mapping, loading tile offsets on demand (libtiff mode `rmO`).
    ///
    /// - Parameter maxSingleAllocation: The largest single allocation libtiff may make for this handle.
    init(path: String, mode: String = "rmO", maxSingleAllocation: Int = 256 << 20) throws(ImagingError) {
        messages = .allocate(capacity: 1)
        messages.initialize(to: iip_tiff_messages())
        guard let tif = iip_tiff_open(path, mode, messages, Int64(maxSingleAllocation)) else {
            let reason = Self.message(messages) ?? "cannot open"
            messages.deallocate()
            throw .unreadable(path: path, reason: reason)
        }
        handle = tif
        currentDirectoryOffset = TIFFCurrentDirOffset(tif)
        client = nil
    }

    /// Opens the TIFF file `source` holds (a local file or a remote object) read-only through libtiff's client
    /// procedures, with the same mode and allocation limit as ``init(path:mode:maxSingleAllocation:)``.
    ///
    /// A read error (a remote store that failed) reaches libtiff as a short read; the first one is kept in
    /// ``readFailure`` so that callers can answer with it rather than with libtiff's "cannot read tile".
    init(source: any ByteSource, mode: String = "rmO", maxSingleAllocation: Int = 256 << 20) throws(ImagingError) {
        let reader = ClientReader(source: source)
        let client = UnsafeMutablePointer<iip_tiff_client>.allocate(capacity: 1)
        client.initialize(
            to: iip_tiff_client(
                context: Unmanaged.passUnretained(reader).toOpaque(), read_at: ClientReader.readAt,
                length: UInt64(source.length), position: 0))
        messages = .allocate(capacity: 1)
        messages.initialize(to: iip_tiff_messages())
        guard let tif = iip_tiff_client_open(source.name, mode, client, messages, Int64(maxSingleAllocation)) else {
            let reason = reader.failure.map { "\($0)" } ?? Self.message(messages) ?? "cannot open"
            messages.deallocate()
            client.deallocate()
            throw reader.failure ?? .unreadable(path: source.name, reason: reason)
        }
        handle = tif
        currentDirectoryOffset = TIFFCurrentDirOffset(tif)
        self.client = (client, reader)
    }

    deinit {
        TIFFClose(handle)
        messages.deallocate()
        client?.pointer.deallocate()
    }

    /// The client structure and reader of a file opened from a ``ByteSource``, kept alive with the handle.
    private var client: (pointer: UnsafeMutablePointer<iip_tiff_client>, reader: ClientReader)?

    /// The ``ByteSource`` this handle reads, when it was opened from one.
    var source: (any ByteSource)? { client?.reader.source }

    /// The first error reading the ``ByteSource`` behind this handle, if any.
    var readFailure: ImagingError? { client?.reader.failure }

    /// Returns the first error reading the ``ByteSource`` since the last call, and forgets it: a tile read that
    /// failed reports its own cause, not one an earlier read met.
    func takeReadFailure() -> ImagingError? {
        defer { client?.reader.failure = nil }
        return client?.reader.failure
    }

    /// Reads a ``ByteSource`` for libtiff, remembering the first error.
    private final class ClientReader {
        let source: any ByteSource
        var failure: ImagingError?

        init(source: any ByteSource) { self.source = source }

        /// libtiff's read, through ``iip_tiff_client``: the bytes read, or -1 with the error kept.
        static let readAt: @convention(c) (UnsafeMutableRawPointer?, UInt64, UnsafeMutableRawPointer?, Int64) -> Int64 =
            { context, offset, buffer, count in
                guard let context, let buffer, count > 0, offset <= UInt64(Int.max) else { return -1 }
                let reader = Unmanaged<ClientReader>.fromOpaque(context).takeUnretainedValue()
                do throws(ImagingError) {
                    let read = try reader.source.read(
                        at: Int(offset), into: UnsafeMutableRawBufferPointer(start: buffer, count: Int(count)))
                    return Int64(read)
                } catch {
                    reader.failure = reader.failure ?? error
                    return -1
                }
            }
    }

    /// The last error libtiff reported for this handle.
    var lastError: String? { Self.message(messages) }

    /// The number of errors libtiff reported so far.
    var errorCount: Int { Int(messages.pointee.error_count) }

    private static func message(_ messages: UnsafeMutablePointer<iip_tiff_messages>) -> String? {
        guard messages.pointee.error_count > 0 else { return nil }
        return withUnsafeBytes(of: &messages.pointee.last_error) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    // MARK: Directories

    /// Selects the directory at a file offset (top-level IFD or SubIFD alike).
    func select(directoryAt offset: UInt64) throws(ImagingError) {
        guard offset != currentDirectoryOffset else { return }
        guard TIFFSetSubDirectory(handle, offset) == 1 else {
            throw .decodeFailed(lastError ?? "cannot read directory at \(offset)")
        }
        currentDirectoryOffset = offset
    }

    /// Moves to the next top-level directory; returns `false` after the last one.
    func readNextDirectory() -> Bool {
        guard TIFFReadDirectory(handle) == 1 else { return false }
        currentDirectoryOffset = TIFFCurrentDirOffset(handle)
        return true
    }

    /// Asks libjpeg to convert YCbCr JPEG tiles of the selected directory to RGB while decoding.
    func requestRGBFromJPEG() {
        _ = iip_tiff_set_int(handle, UInt32(TIFFTAG_JPEGCOLORMODE), JPEGCOLORMODE_RGB)
    }

    /// Whether the selected directory is tiled.
    var isTiled: Bool { TIFFIsTiled(handle) != 0 }

    // MARK: Fields

    func u16(_ tag: Int32) -> UInt16? {
        var value: UInt16 = 0
        return iip_tiff_get_u16(handle, UInt32(tag), &value) == 1 ? value : nil
    }

    func u32(_ tag: Int32) -> UInt32? {
        var value: UInt32 = 0
        return iip_tiff_get_u32(handle, UInt32(tag), &value) == 1 ? value : nil
    }

    func float(_ tag: Int32) -> Float? {
        var value: Float = 0
        return iip_tiff_get_float(handle, UInt32(tag), &value) == 1 ? value : nil
    }

    func double(_ tag: Int32) -> Double? {
        var value: Double = 0
        return iip_tiff_get_double(handle, UInt32(tag), &value) == 1 ? value : nil
    }

    func sampleValue(_ tag: Int32) -> Double? {
        var value: Double = 0
        return iip_tiff_get_sample_value(handle, UInt32(tag), &value) == 1 ? value : nil
    }

    func string(_ tag: Int32) -> String? {
        var pointer: UnsafePointer<CChar>?
        guard iip_tiff_get_string(handle, UInt32(tag), &pointer) == 1, let pointer else { return nil }
        return String(cString: pointer)
    }

    /// The bytes of a count-and-pointer tag (ICC profile, XMP, JPEG tables), or `nil` when absent, empty or
    /// longer than `maxCount` (the count comes from the file).
    func bytes(_ tag: Int32, maxCount: Int) -> [UInt8]? {
        var count: UInt32 = 0
        var data: UnsafeRawPointer?
        guard iip_tiff_get_bytes(handle, UInt32(tag), &count, &data) == 1, let data, count > 0,
            UInt64(count) <= UInt64(max(maxCount, 0))
        else { return nil }
        return Array(UnsafeRawBufferPointer(start: data, count: Int(count)))
    }

    func subIFDOffsets() -> [UInt64] {
        var count: UInt16 = 0
        var offsets: UnsafePointer<UInt64>?
        guard iip_tiff_get_subifds(handle, &count, &offsets) == 1, let offsets else { return [] }
        return Array(UnsafeBufferPointer(start: offsets, count: Int(count)))
    }

    /// The ColorMap of the selected directory: red, green and blue, 2^BitsPerSample 16-bit entries each, or `nil`
    /// when the directory has none of that length (libtiff drops one of another length while reading).
    ///
    /// - Parameter bits: The directory's BitsPerSample, 1 to 16: the length libtiff checked the arrays against.
    func colorMap(bits: Int) -> (red: [UInt16], green: [UInt16], blue: [UInt16])? {
        guard (1...16).contains(bits) else { return nil }
        var red: UnsafePointer<UInt16>?
        var green: UnsafePointer<UInt16>?
        var blue: UnsafePointer<UInt16>?
        guard iip_tiff_get_colormap(handle, &red, &green, &blue) == 1, let red, let green, let blue else { return nil }
        let count = 1 << bits
        return (
            Array(UnsafeBufferPointer(start: red, count: count)),
            Array(UnsafeBufferPointer(start: green, count: count)),
            Array(UnsafeBufferPointer(start: blue, count: count))
        )
    }

    /// A SHORT tag of the selected directory as the file stores it, which libtiff may have rewritten while reading
    /// the directory (Photometric of a palette image without a usable ColorMap), or `nil` when absent.
    func storedU16(_ tag: Int32) -> UInt16? {
        var value: UInt16 = 0
        return iip_tiff_stored_short(handle, currentDirectoryOffset, UInt32(tag), &value) == 1 ? value : nil
    }

    func extraSampleCount() -> Int {
        var count: UInt16 = 0
        var types: UnsafePointer<UInt16>?
        return iip_tiff_get_extrasamples(handle, &count, &types) == 1 ? Int(count) : 0
    }
}
