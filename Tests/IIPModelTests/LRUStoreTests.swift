import IIPModel
import IIPTestSupport
import Testing

/// The least-recently-used store with a cost budget.
@Suite struct LRUStoreTests {
    @Test func keepsInsertionOrderNewestFirst() {
        var store = LRUStore<String, Int>(budget: 100)
        store.insert(1, for: "a", cost: 1)
        store.insert(2, for: "b", cost: 1)
        store.insert(3, for: "c", cost: 1)
        #expect(store.keysByRecency == ["c", "b", "a"])
        #expect(store.count == 3)
        #expect(store.totalCost == 3)
    }

    // iipsrv-reference §8.1: entries move to the front on every hit and are evicted from the tail
    @Test func getTouchesTheEntry() {
        var store = LRUStore<String, Int>(budget: 3)
        store.insert(1, for: "a", cost: 1)
        store.insert(2, for: "b", cost: 1)
        store.insert(3, for: "c", cost: 1)
        #expect(store.value(for: "a") == 1)
        #expect(store.keysByRecency == ["a", "c", "b"])
        #expect(store.value(for: "missing") == nil)
        #expect(store.insert(4, for: "d", cost: 1) == 1)
        #expect(store.keysByRecency == ["d", "a", "c"])
        #expect(store.value(for: "b") == nil)
    }

    @Test func evictsByCost() {
        var store = LRUStore<String, String>(budget: 10)
        store.insert("a", for: "a", cost: 4)
        store.insert("b", for: "b", cost: 4)
        #expect(store.totalCost == 8)
        // 8 + 5 > 10: the oldest goes; 4 + 5 fits.
        #expect(store.insert("c", for: "c", cost: 5) == 1)
        #expect(store.keysByRecency == ["c", "b"])
        #expect(store.totalCost == 9)
        // 9 + 10 > 10: both others go.
        #expect(store.insert("d", for: "d", cost: 10) == 2)
        #expect(store.keysByRecency == ["d"])
        #expect(store.totalCost == 10)
    }

    @Test func oversizeValueIsNotStored() {
        var store = LRUStore<String, Int>(budget: 10)
        store.insert(1, for: "a", cost: 5)
        #expect(store.insert(2, for: "big", cost: 11) == 0)
        #expect(store.value(for: "big") == nil)
        #expect(store.keysByRecency == ["a"])
        #expect(store.totalCost == 5)
    }

    @Test func replaceUpdatesValueAndCost() {
        var store = LRUStore<String, Int>(budget: 10)
        store.insert(1, for: "a", cost: 3)
        store.insert(2, for: "b", cost: 3)
        store.insert(10, for: "a", cost: 6)
        #expect(store.count == 2)
        #expect(store.totalCost == 9)
        #expect(store.keysByRecency == ["a", "b"])
        #expect(store.value(for: "a") == 10)
        store.insert(11, for: "a", cost: 1)
        #expect(store.totalCost == 4)
    }

    @Test func removeAndRemoveAll() {
        var store = LRUStore<Int, Int>(budget: 100)
        for key in 0..<5 { store.insert(key * 10, for: key, cost: key + 1) }
        store.removeValue(for: 2)
        store.removeValue(for: 99)
        #expect(store.keysByRecency == [4, 3, 1, 0])
        #expect(store.totalCost == 1 + 2 + 4 + 5)
        store.removeAll()
        #expect(store.count == 0)
        #expect(store.totalCost == 0)
        #expect(store.keysByRecency.isEmpty)
        #expect(store.value(for: 4) == nil)
        store.insert(7, for: 7, cost: 7)
        #expect(store.keysByRecency == [7])
    }

    @Test func zeroBudgetKeepsNothing() {
        var store = LRUStore<String, Int>(budget: 0)
        #expect(store.insert(1, for: "a", cost: 1) == 0)
        #expect(store.count == 0)
        store.insert(2, for: "free", cost: 0)
        #expect(store.value(for: "free") == 2)
    }

    /// A plain reference model: an array ordered newest first.
    private struct Model {
        var entries: [(key: Int, value: Int, cost: Int)] = []
        let budget: Int

        var totalCost: Int { entries.reduce(0) { $0 + $1.cost } }

        mutating func get(_ key: Int) -> Int? {
            guard let index = entries.firstIndex(where: { $0.key == key }) else { return nil }
            let entry = entries.remove(at: index)
            entries.insert(entry, at: 0)
            return entry.value
        }

        mutating func insert(_ value: Int, _ key: Int, _ cost: Int) -> Int {
            entries.removeAll { $0.key == key }
            guard cost <= budget else { return 0 }
            entries.insert((key, value, cost), at: 0)
            var evicted = 0
            while totalCost > budget {
                entries.removeLast()
                evicted += 1
            }
            return evicted
        }

        mutating func remove(_ key: Int) { entries.removeAll { $0.key == key } }
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func matchesAReferenceModel(seed: UInt64) {
        var random = TestPattern.Generator(seed: seed)
        let budget = Int(random.next() % 60) + 1
        var store = LRUStore<Int, Int>(budget: budget)
        var model = Model(budget: budget)
        for step in 0..<3000 {
            let key = Int(random.next() % 24)
            switch random.next() % 100 {
            case 0..<40:
                #expect(store.value(for: key) == model.get(key), "step \(step): get \(key)")
            case 40..<85:
                let cost = Int(random.next() % UInt64(budget + 5))
                let value = Int(random.next() % 1000)
                #expect(store.insert(value, for: key, cost: cost) == model.insert(value, key, cost), "step \(step)")
            case 85..<99:
                store.removeValue(for: key)
                model.remove(key)
            default:
                store.removeAll()
                model.entries.removeAll()
            }
            #expect(store.keysByRecency == model.entries.map(\.key), "step \(step)")
            #expect(store.totalCost == model.totalCost)
            #expect(store.count == model.entries.count)
            #expect(store.totalCost <= budget)
        }
    }
}
