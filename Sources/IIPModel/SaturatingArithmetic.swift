/// Integer operations that cannot trap, for sizes, offsets and counts that come from a request or an image file.
///
/// Swift traps on integer overflow, on `Int(_:)` of a NaN, infinite or out-of-range `Double` and on division by
/// zero, and a trap ends the whole server process. Arithmetic on values a client or a file controls goes through
/// these instead: results saturate at `Int.min` or `Int.max`, which every caller then treats as "too large".
extension Int {
    /// `value` rounded with `rule` and clamped to `Int.min...Int.max`; NaN gives 0.
    ///
    /// With the default rule this is `Int(value.rounded())` for every value where that does not trap.
    package static func clamping(
        _ value: Double, rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero
    ) -> Int {
        guard !value.isNaN else { return 0 }
        let rounded = value.rounded(rule)
        // 2^63 is the first Double above Int.max; -2^63 is exactly Int.min.
        if rounded >= 9_223_372_036_854_775_808.0 { return .max }
        if rounded <= -9_223_372_036_854_775_808.0 { return .min }
        return Int(rounded)
    }

    /// `self + other`, or `Int.max` / `Int.min` when the sum does not fit.
    package func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, or `Int.max` / `Int.min` when the difference does not fit.
    package func saturatingSubtract(_ other: Int) -> Int {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// `self * other`, or `Int.max` / `Int.min` when the product does not fit.
    package func saturatingMultiply(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }

    /// `ceil(self / divisor)` for a non-negative `self`; 0 when `self` is not positive or `divisor` is not positive.
    ///
    /// Unlike `(self + divisor - 1) / divisor` it cannot overflow.
    package func ceilingDivision(by divisor: Int) -> Int {
        guard self > 0, divisor > 0 else { return 0 }
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder == 0 ? quotient : quotient + 1
    }

    /// `2^exponent`, `Int.max` from 63 on, 0 for a negative exponent.
    package static func powerOfTwo(_ exponent: Int) -> Int {
        guard exponent >= 0 else { return 0 }
        return exponent >= Int.bitWidth - 1 ? .max : 1 << exponent
    }

    /// `a * b * c * d`, or `nil` when any partial product overflows: for allocation sizes and byte counts, where a
    /// saturated value would be as wrong as a trap.
    package static func checkedProduct(_ a: Int, _ b: Int, _ c: Int = 1, _ d: Int = 1) -> Int? {
        let (ab, first) = a.multipliedReportingOverflow(by: b)
        let (abc, second) = ab.multipliedReportingOverflow(by: c)
        let (abcd, third) = abc.multipliedReportingOverflow(by: d)
        return first || second || third ? nil : abcd
    }
}
