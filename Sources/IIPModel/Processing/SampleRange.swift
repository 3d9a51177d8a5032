/// The MINMAX setting: the input range used to normalise one channel, or all of them (iipsrv-reference §2.1).
public struct SampleRange: Sendable, Hashable {
    /// The channel, counted from 0, or `nil` for every channel.
    public var channel: Int?
    /// The value that maps to 0.
    public var minimum: Double
    /// The value that maps to 1.
    public var maximum: Double

    /// Creates a range.
    public init(channel: Int?, minimum: Double, maximum: Double) {
        self.channel = channel
        self.minimum = minimum
        self.maximum = maximum
    }
}
