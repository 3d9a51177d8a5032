package import IIPImaging
package import IIPModel
package import IIPProtocol
import NIOConcurrencyHelpers

/// The images behind the views of a sequence (one file per angle pair) or a stack (one TIFF page per layer),
/// each opened on first use with a handle pool of its own (iipsrv-reference §7.1, §7.5).
///
/// Requests are planned with the first view's description, so every other view must have the same levels and
/// samples; one that does not is refused when it is first opened.
final class ViewPools: Sendable {
    /// How a view is named and opened.
    enum Kind: Sendable {
        /// A multi-page TIFF: the horizontal angle is the page; the vertical one is ignored.
        case stack(filePath: String, layers: Int)
        /// Files named by their angles.
        case sequence(ImageSequence)
    }

    private let kind: Kind
    private let first: HandlePool
    private let description: ImageDescription
    private let maxIdle: Int
    private let opener: ImageSourceOpener
    private let pools: NIOLockedValueBox<LRUStore<SequenceAngles, HandlePool>>
    private let handles: HandleCounter
    /// The most views kept open per image besides the first; the least recently used is closed beyond it (its
    /// handles close once the decodes using them end).
    static let maxOpenViews = 32

    /// Creates the views of an image whose first view is served by `first`.
    init(
        kind: Kind, first: HandlePool, description: ImageDescription, maxIdle: Int, opener: ImageSourceOpener,
        handles: HandleCounter
    ) {
        self.handles = handles
        self.kind = kind
        self.first = first
        self.description = description
        self.maxIdle = maxIdle
        self.opener = opener
        self.pools = NIOLockedValueBox(LRUStore(budget: Self.maxOpenViews))
    }

    /// The pool of the view `angles`, opening its first handle if needed. Blocking: call it on a codec thread.
    ///
    /// - Throws: ``ImagingError/invalidParameter(_:)`` for a view the image does not have.
    func pool(for angles: SequenceAngles) throws(ImagingError) -> HandlePool {
        let key: SequenceAngles
        let path: String
        let page: Int
        switch kind {
        case .stack(let filePath, let layers):
            guard angles.horizontal >= 0, angles.horizontal < layers else {
                throw .invalidParameter("no stack layer \(angles.horizontal) (the image has \(layers))")
            }
            key = SequenceAngles(horizontal: angles.horizontal, vertical: 0)
            (path, page) = (filePath, angles.horizontal)
        case .sequence(let sequence):
            guard sequence.horizontalAngles.contains(angles.horizontal),
                sequence.verticalAngles.contains(angles.vertical)
            else {
                throw .invalidParameter("no view at angles \(angles.horizontal), \(angles.vertical) in the sequence")
            }
            key = angles
            (path, page) = (sequence.path(horizontal: angles.horizontal, vertical: angles.vertical), 0)
        }
        if key == Self.firstKey(kind) { return first }
        if let known = pools.withLockedValue({ $0.value(for: key) }) { return known }
        // A sparse grid of angles has no file for this pair (and a FIFO would block the open): never show the
        // filesystem path.
        guard opener.remote?.handles(path) == true || FileStatus.of(path)?.isRegularFile == true else {
            throw .invalidParameter("no view at angles \(angles.horizontal), \(angles.vertical)")
        }
        let source = try ImageSourceOpener.withoutPaths { () throws(ImagingError) in
            try opener.open(path: path, page: page)
        }
        let expected = description
        guard Self.compatible(source.description, expected) else {
            throw .unsupportedLayout(
                "the view at \(angles.horizontal), \(angles.vertical) differs in size or samples from the first")
        }
        let pool = HandlePool(first: source, maxIdle: maxIdle, counter: handles) { [opener] () throws(ImagingError) in
            let another = try ImageSourceOpener.withoutPaths { () throws(ImagingError) in
                try opener.open(path: path, page: page)
            }
            guard Self.compatible(another.description, expected) else {
                throw .decodeFailed("the image changed since it was opened")
            }
            return another
        }
        return pools.withLockedValue { known in
            if let existing = known.value(for: key) { return existing }
            _ = known.insert(pool, for: key, cost: 1)
            return pool
        }
    }

    private static func firstKey(_ kind: Kind) -> SequenceAngles {
        switch kind {
        case .stack: SequenceAngles(horizontal: 0, vertical: 0)
        case .sequence: SequenceAngles(horizontal: 0, vertical: 90)
        }
    }

    /// Same levels and sample layout: what planning relied on.
    private static func compatible(_ a: ImageDescription, _ b: ImageDescription) -> Bool {
        a.levels == b.levels && a.channels == b.channels && a.bitsPerSample == b.bitsPerSample
            && a.sampleFormat == b.sampleFormat
    }
}
