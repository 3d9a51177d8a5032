import IIPImaging

/// One version of an object on a remote store, read through the store's block cache: the ``ByteSource`` the
/// TIFF and JPEG 2000 readers get for a remote image.
final class RemoteObject: ByteSource {
    let length: Int
    let name: String
    private let store: RemoteObjectStore
    private let identity: ObjectIdentity

    init(store: RemoteObjectStore, path: String, version: RemoteObjectVersion) {
        self.store = store
        self.length = version.length
        self.name = path
        let tag = version.tag.isEmpty ? "\(version.length) \(version.lastModified)" : version.tag
        identity = ObjectIdentity(path: path, version: tag)
    }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(ImagingError) -> Int {
        try store.read(identity, length: length, at: offset, into: buffer)
    }

    func prefetch(_ ranges: [Range<Int>]) throws(ImagingError) {
        try store.prefetch(identity, length: length, ranges: ranges)
    }
}
