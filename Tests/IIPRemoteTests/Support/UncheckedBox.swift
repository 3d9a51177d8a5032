/// Hands a non-`Sendable` image source to one other task: each test source is used by that task alone.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
