import IIPModel
import NIOConcurrencyHelpers

/// Blocks of remote objects kept in memory, shared by every object and request, least recently used first out,
/// bounded by bytes.
///
/// A block is identified by its object's version (so a changed object never mixes old and new bytes) and its
/// index; every block is ``RemoteStoreConfiguration/blockSize`` bytes except an object's last.
package final class BlockCache: Sendable {
    /// One block of one version of one object.
    package struct Key: Sendable, Hashable {
        /// The object's path and entity tag.
        package var object: ObjectIdentity
        /// The block's index: its offset divided by the block size.
        package var index: Int
    }

    private let store: NIOLockedValueBox<LRUStore<Key, [UInt8]>>
    /// The size of every block but an object's last.
    package let blockSize: Int

    /// Creates a cache of at most `budgetBytes` bytes of blocks of `blockSize` bytes.
    package init(budgetBytes: Int, blockSize: Int) {
        store = NIOLockedValueBox(LRUStore(budget: max(budgetBytes, 0)))
        self.blockSize = max(blockSize, 1)
    }

    /// The blocks of `object` with indices in `indices` that the cache holds, by index.
    package func blocks(of object: ObjectIdentity, _ indices: ClosedRange<Int>) -> [Int: [UInt8]] {
        store.withLockedValue { store in
            var found: [Int: [UInt8]] = [:]
            for index in indices {
                if let block = store.value(for: Key(object: object, index: index)) { found[index] = block }
            }
            return found
        }
    }

    /// Keeps `block` as block `index` of `object`.
    package func insert(_ block: [UInt8], of object: ObjectIdentity, at index: Int) {
        store.withLockedValue { $0.insert(block, for: Key(object: object, index: index), cost: block.count) }
    }

    /// The bytes held.
    package var bytes: Int { store.withLockedValue { $0.totalCost } }
}
