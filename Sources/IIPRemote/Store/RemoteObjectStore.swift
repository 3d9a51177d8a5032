package import IIPImaging
package import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// The images under a FILESYSTEM_PREFIX that is a URL: objects of an S3-compatible bucket or files of an HTTP
/// server honouring byte ranges, read through a block cache shared by every image and request.
///
/// Opening an image asks the store for its version (`HEAD`: length, entity tag, modification date). Reads are
/// served from the block cache; what it lacks is fetched as one ranged `GET` covering every missing block of the
/// read, and kept. The first read of an object's start fetches ``RemoteStoreConfiguration/readAhead`` bytes at
/// least, so that a TIFF's header, directories and tile offsets come in one request. A stored JPEG tile of an open
/// image is one read, so one range request when cold and none when cached.
package final class RemoteObjectStore: RemoteObjects {
    /// The prefix every path on this store begins with.
    package let prefix: RemotePrefix
    /// The blocks read, shared by every object.
    package let cache: BlockCache
    private let client: StoreClient
    private let configuration: RemoteStoreConfiguration
    private let counters = NIOLockedValueBox(Counts())
    private let flights = NIOLockedValueBox<[Flight.Key: Flight]>([:])

    /// Requests sent to the store, for tests and metrics.
    package struct Counts: Sendable, Hashable {
        /// `HEAD` requests.
        package var heads = 0
        /// Ranged `GET` requests.
        package var gets = 0
        /// Bytes received in `GET` answers.
        package var bytes = 0
        /// Reads answered from the block cache alone.
        package var cachedReads = 0
        /// Reads that waited for another read's fetch of the same span instead of fetching it again.
        package var sharedFetches = 0
    }

    /// A store for `prefix`.
    ///
    /// - Parameters:
    ///   - aws: The resolved AWS settings, for an S3 prefix (`nil`: anonymous, on AWS's own endpoint).
    package init(
        prefix: RemotePrefix, aws: AWSConfiguration?, configuration: RemoteStoreConfiguration, logger: Logger
    ) {
        self.prefix = prefix
        self.configuration = configuration
        cache = BlockCache(budgetBytes: configuration.cacheBytes, blockSize: configuration.blockSize)
        client = StoreClient(
            addresses: ObjectAddresses(prefix: prefix, aws: aws, addressing: configuration.addressing),
            configuration: configuration, logger: logger)
    }

    /// Closes the store's connections.
    package func shutdown() async {
        await client.shutdown()
    }

    /// The requests sent so far.
    package var counts: Counts { counters.withLockedValue { $0 } }

    package func handles(_ path: String) -> Bool {
        path.hasPrefix(prefix.text)
    }

    package func version(of path: String) throws(ImagingError) -> RemoteObjectVersion? {
        counters.withLockedValue { $0.heads += 1 }
        let answer: StoreClient.Answer
        do {
            answer = try client.send(.HEAD, path: path)
        } catch {
            throw .storeUnavailable(error.reason)
        }
        switch answer.status {
        case 200:
            guard let length = answer.headers.first(name: "Content-Length").flatMap({ Int($0) }), length >= 0 else {
                throw .storeUnavailable("the store gave no length for \(path)")
            }
            return RemoteObjectVersion(
                length: length, tag: answer.headers.first(name: "ETag") ?? "",
                lastModified: answer.headers.first(name: "Last-Modified") ?? "")
        case 404, 403, 410: return nil
        default: throw .storeUnavailable("the store answered \(answer.status) to HEAD \(path)")
        }
    }

    package func open(_ path: String) throws(ImagingError) -> any ByteSource {
        guard let version = try version(of: path) else { throw .unreadable(path: path, reason: "no such object") }
        return RemoteObject(store: self, path: path, version: version)
    }

    package func open(_ path: String, version: RemoteObjectVersion) -> any ByteSource {
        RemoteObject(store: self, path: path, version: version)
    }

    /// Reads `buffer.count` bytes at `offset` of `object` (at most to `length`), from the cache and at most one
    /// ranged request.
    func read(
        _ object: ObjectIdentity, length: Int, at offset: Int, into buffer: UnsafeMutableRawBufferPointer
    ) throws(ImagingError) -> Int {
        guard offset >= 0, offset < length, buffer.count > 0, let base = buffer.baseAddress else { return 0 }
        let end = min(offset + buffer.count, length)
        let size = cache.blockSize
        let first = offset / size
        let last = (end - 1) / size
        var blocks = cache.blocks(of: object, first...last)
        let missing = (first...last).filter { blocks[$0] == nil }
        if let from = missing.first, var to = missing.last {
            // Read-ahead: a read near the start brings the object's head along.
            if from * size < configuration.readAhead {
                to = max(to, (min(configuration.readAhead, length) - 1) / size)
            }
            let fetched = try sharedFetch(object, range: from * size..<min((to + 1) * size, length))
            for index in from...to {
                let start = (index - from) * size
                guard start < fetched.count else { break }
                let block = Array(fetched[start..<min(start + size, fetched.count)])
                cache.insert(block, of: object, at: index)
                blocks[index] = block
            }
        } else {
            counters.withLockedValue { $0.cachedReads += 1 }
        }
        var done = 0
        for index in first...last {
            guard let block = blocks[index] else { break }
            let blockStart = index * size
            let from = max(offset, blockStart) - blockStart
            let to = min(end, blockStart + block.count) - blockStart
            guard from < to else { break }
            block.withUnsafeBytes { bytes in
                (base + done).copyMemory(from: bytes.baseAddress! + from, byteCount: to - from)
            }
            done += to - from
            if blockStart + block.count < min(end, blockStart + size) { break }  // the object ended early
        }
        return done
    }

    /// ``fetch(_:range:)``, once for every read that misses the same span at the same time: the first fetches, the
    /// others wait for its bytes.
    private func sharedFetch(_ object: ObjectIdentity, range: Range<Int>) throws(ImagingError) -> [UInt8] {
        let key = Flight.Key(object: object, range: range)
        let (flight, leads) = flights.withLockedValue { flights -> (Flight, Bool) in
            if let flying = flights[key] { return (flying, false) }
            let flight = Flight()
            flights[key] = flight
            return (flight, true)
        }
        guard leads else {
            counters.withLockedValue { $0.sharedFetches += 1 }
            return try flight.wait().get()
        }
        let result: Result<[UInt8], ImagingError>
        do {
            result = .success(try fetch(object, range: range))
        } catch {
            result = .failure(error)
        }
        // Landed before it leaves the table: a read arriving in between gets the bytes at once.
        flight.land(result)
        flights.withLockedValue { $0[key] = nil }
        return try result.get()
    }

    /// Fetches the blocks of `ranges` of `object` the cache lacks: ranges closer than ``mergeGap`` become one
    /// request (the bytes between them come along), so the tiles of an export, which lie next to one another in a
    /// row of a tiled TIFF, cost one request per row or fewer.
    func prefetch(_ object: ObjectIdentity, length: Int, ranges: [Range<Int>]) throws(ImagingError) {
        let size = cache.blockSize
        let blocks = ranges.filter { !$0.isEmpty && $0.lowerBound >= 0 && $0.lowerBound < length }
            .map { ($0.lowerBound / size)...((min($0.upperBound, length) - 1) / size) }
            .sorted { $0.lowerBound < $1.lowerBound }
        guard let lowest = blocks.first?.lowerBound, let highest = blocks.map(\.upperBound).max() else { return }
        let held = cache.blocks(of: object, lowest...highest)
        let gap = max(mergeGap / size, 1)
        var spans: [ClosedRange<Int>] = []
        for range in blocks {
            let missing = range.filter { held[$0] == nil }
            guard let first = missing.first, let last = missing.last else { continue }
            if let previous = spans.last, first - previous.upperBound <= gap {
                spans[spans.count - 1] = previous.lowerBound...max(previous.upperBound, last)
            } else {
                spans.append(first...last)
            }
        }
        for span in spans {
            let fetched = try sharedFetch(
                object, range: span.lowerBound * size..<min((span.upperBound + 1) * size, length))
            for index in span {
                let start = (index - span.lowerBound) * size
                guard start < fetched.count else { break }
                cache.insert(Array(fetched[start..<min(start + size, fetched.count)]), of: object, at: index)
            }
        }
    }

    /// The widest gap, in bytes, between two ranges of one prefetch that are still fetched as one request: four
    /// blocks (256 KiB by default), less than what a second request costs on a store 20 ms away.
    private var mergeGap: Int { 4 * cache.blockSize }

    /// One ranged `GET`: the bytes of `range`, or an error when the store answers anything but them.
    private func fetch(_ object: ObjectIdentity, range: Range<Int>) throws(ImagingError) -> [UInt8] {
        counters.withLockedValue { $0.gets += 1 }
        let answer: StoreClient.Answer
        do {
            answer = try client.send(.GET, path: object.path, range: range)
        } catch {
            throw .storeUnavailable(error.reason)
        }
        guard answer.status == 206 || answer.status == 200 else {
            if answer.status == 404 || answer.status == 403 || answer.status == 410 {
                throw .decodeFailed("the image is no longer on its store (\(answer.status))")
            }
            throw .storeUnavailable("the store answered \(answer.status) to GET \(object.path)")
        }
        var body = answer.body ?? ByteBuffer()
        counters.withLockedValue { $0.bytes += body.readableBytes }
        // A store that ignored the range sends the whole object with 200 and no Content-Range.
        if answer.status == 200, answer.headers.first(name: "Content-Range") == nil, range.lowerBound > 0 {
            guard body.readableBytes >= range.upperBound else {
                throw .storeUnavailable("the store ignored a range of \(object.path)")
            }
            body.moveReaderIndex(forwardBy: range.lowerBound)
        }
        let count = min(body.readableBytes, range.count)
        guard count == range.count else {
            throw .storeUnavailable("the store sent \(count) of \(range.count) bytes of \(object.path)")
        }
        return body.readBytes(length: count) ?? []
    }
}
