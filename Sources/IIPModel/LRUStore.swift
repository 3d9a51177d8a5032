/// A least-recently-used store with a cost budget, O(1) per operation.
///
/// Entries live in a flat array linked into a doubly linked list by index, with a free list for reuse, so a
/// touch moves two indices instead of shifting an ordered collection.
package struct LRUStore<Key: Hashable, Value> {
    fileprivate struct Node {
        var key: Key?
        var value: Value?
        var cost: Int
        var newer: Int
        var older: Int
    }

    private var index: [Key: Int] = [:]
    private var nodes: [Node] = []
    private var freeSlots: [Int] = []
    private var newest = -1
    private var oldest = -1

    /// The most the costs of all entries may add up to.
    package let budget: Int
    /// The sum of the costs of all entries.
    package private(set) var totalCost = 0

    package init(budget: Int) {
        self.budget = budget
    }

    /// The number of entries.
    package var count: Int { index.count }

    /// Looks up `key` and marks it most recently used.
    package mutating func value(for key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        moveToFront(slot)
        return nodes[slot].value
    }

    /// Stores `value`, replacing any entry for `key`, then evicts the oldest entries until within budget.
    ///
    /// A value whose cost alone exceeds the budget is not stored.
    /// - Returns: The number of entries evicted.
    @discardableResult
    package mutating func insert(_ value: Value, for key: Key, cost: Int) -> Int {
        removeValue(for: key)
        guard cost <= budget else { return 0 }
        let node = Node(key: key, value: value, cost: cost, newer: -1, older: newest)
        let slot: Int
        if let reused = freeSlots.popLast() {
            slot = reused
            nodes[slot] = node
        } else {
            slot = nodes.count
            nodes.append(node)
        }
        if newest >= 0 { nodes[newest].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
        index[key] = slot
        totalCost += cost
        var evicted = 0
        while totalCost > budget, oldest >= 0, oldest != slot {
            if let key = nodes[oldest].key { removeValue(for: key) }
            evicted += 1
        }
        return evicted
    }

    /// Removes the entry for `key`, if any.
    package mutating func removeValue(for key: Key) {
        guard let slot = index.removeValue(forKey: key) else { return }
        unlink(slot)
        totalCost -= nodes[slot].cost
        nodes[slot] = Node(key: nil, value: nil, cost: 0, newer: -1, older: -1)
        freeSlots.append(slot)
    }

    /// Removes every entry.
    package mutating func removeAll() {
        index.removeAll()
        nodes.removeAll()
        freeSlots.removeAll()
        newest = -1
        oldest = -1
        totalCost = 0
    }

    /// The keys from most to least recently used (for tests and diagnostics).
    package var keysByRecency: [Key] {
        var keys: [Key] = []
        var slot = newest
        while slot >= 0 {
            if let key = nodes[slot].key { keys.append(key) }
            slot = nodes[slot].older
        }
        return keys
    }

    private mutating func moveToFront(_ slot: Int) {
        guard slot != newest else { return }
        unlink(slot)
        nodes[slot].older = newest
        nodes[slot].newer = -1
        if newest >= 0 { nodes[newest].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }

    private mutating func unlink(_ slot: Int) {
        let newer = nodes[slot].newer
        let older = nodes[slot].older
        if newer >= 0 { nodes[newer].older = older } else { newest = older }
        if older >= 0 { nodes[older].newer = newer } else { oldest = newer }
        nodes[slot].newer = -1
        nodes[slot].older = -1
    }
}

/// A store of sendable keys and values may be handed between isolation domains, as the open-view pools keep theirs
/// behind a lock.
extension LRUStore: Sendable where Key: Sendable, Value: Sendable {}

extension LRUStore.Node: Sendable where Key: Sendable, Value: Sendable {}
