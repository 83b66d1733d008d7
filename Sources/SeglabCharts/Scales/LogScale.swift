import Foundation

/// Maps a positive domain onto a pixel range by log10, for quantities spanning decades
/// (inertia across k on large data, run times).
///
///     let x = LogScale(lower: 1, upper: 1000, rangeStart: 0, rangeEnd: 300)
///     x(10)                        // 100
///     x.ticks()                    // [1, 10, 100, 1000]
public struct LogScale: Sendable, Equatable {
    public let lower: Double, upper: Double
    public let rangeStart: Double, rangeEnd: Double

    public init(lower: Double, upper: Double, rangeStart: Double, rangeEnd: Double) {
        precondition(lower > 0 && upper > 0, "a log scale needs a positive domain")
        var lo = min(lower, upper), hi = max(lower, upper)
        if lo == hi { lo /= 10; hi *= 10 }
        self.lower = lo; self.upper = hi
        self.rangeStart = rangeStart; self.rangeEnd = rangeEnd
    }

    /// A scale whose domain is widened to whole powers of ten.
    public static func nice(_ lower: Double, _ upper: Double, rangeStart: Double, rangeEnd: Double) -> LogScale {
        let raw = LogScale(lower: lower, upper: upper, rangeStart: rangeStart, rangeEnd: rangeEnd)
        return LogScale(lower: Ticks.decade(1, Int(floor(log10(raw.lower) + 1e-12))),
                        upper: Ticks.decade(1, Int(ceil(log10(raw.upper) - 1e-12))),
                        rangeStart: rangeStart, rangeEnd: rangeEnd)
    }

    public func callAsFunction(_ v: Double) -> Double {
        let a = log10(lower), b = log10(upper)
        return rangeStart + (log10(v) - a) / (b - a) * (rangeEnd - rangeStart)
    }

    public func ticks(count: Int = 10) -> [Double] { Ticks.log(lower, upper, count: count) }
}
