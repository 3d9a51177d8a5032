/// A file's bytes, read at any offset by a blocking call: a local file (``LocalFile``) or an object on a remote
/// store.
///
/// The readers that take one (``PyramidTIFF``, ``JPEG2000Source``) read through it from their codec thread, the
/// way they would `pread` a file, so a remote object's reads block that thread, never Swift's cooperative pool.
/// Implementations are immutable and `Sendable`: a read carries its own offset, so several handles may share one.
public protocol ByteSource: AnyObject, Sendable {
    /// The length of the file in bytes.
    var length: Int { get }

    /// A name for messages: the file's path or the object's address, without credentials.
    var name: String { get }

    /// Reads up to `buffer.count` bytes at `offset` into `buffer` and returns how many were read: fewer only at
    /// the end of the file, none at or past it.
    ///
    /// - Throws: ``ImagingError/unreadable(path:reason:)`` when the bytes cannot be read (an I/O error, a store
    ///   that answers an error or not at all).
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(ImagingError) -> Int

    /// Brings `ranges` close before they are read: a remote object fetches what it lacks of them in as few
    /// requests as their gaps allow. Nothing for a local file.
    func prefetch(_ ranges: [Range<Int>]) throws(ImagingError)
}

extension ByteSource {
    /// Nothing to bring close.
    public func prefetch(_ ranges: [Range<Int>]) throws(ImagingError) {}

    /// Reads up to `count` bytes at `offset`: fewer at the end of the file, none past it.
    public func read(at offset: Int, count: Int) throws(ImagingError) -> [UInt8] {
        guard offset >= 0, offset < length, count > 0 else { return [] }
        let wanted = min(count, length - offset)
        var failure: ImagingError?
        let bytes = [UInt8](unsafeUninitializedCapacity: wanted) { buffer, initialized in
            do throws(ImagingError) {
                initialized = try read(at: offset, into: UnsafeMutableRawBufferPointer(buffer))
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }
}
