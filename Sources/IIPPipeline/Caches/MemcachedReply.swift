/// What one memcached lookup came to.
package enum MemcachedReply: Sendable, Equatable {
    /// The server held a value under the key.
    case value([UInt8])
    /// The server answered that it holds nothing under the key.
    case miss
    /// Every server the key could go to is marked down: nothing was sent.
    case skipped
    /// The call to server `server` failed (refused, timed out, or not a memcached answer); `newlyDown` when this
    /// call is the one that marked it down.
    case failed(server: Int, newlyDown: Bool)
}
