/// Maps a numeric domain onto a pixel range linearly (either may be reversed: a y axis maps
/// its lower value to the bottom of the plot).
///
///     let y = LinearScale(domain: 0 ... 1, range: 20 ... 300, reversed: true) // 0 → 300, 1 → 20
///     y(0.5)                       // 160
///     LinearScale.nice(0.13, 0.87, range: 0 ... 100, tickCount: 10).domain   // 0.1 ... 0.9
public struct LinearScale: Sendable, Equatable {
    public let lower: Double, upper: Double
    public let rangeStart: Double, rangeEnd: Double

    /// A degenerate domain (lower == upper) is widened by 1 on each side (or ±10 % of a
    /// non-zero value) so every value still maps to a finite position.
    public init(lower: Double, upper: Double, rangeStart: Double, rangeEnd: Double) {
        var lo = min(lower, upper), hi = max(lower, upper)
        if lo == hi {
            let pad = lo == 0 ? 1 : lo.magnitude * 0.1
            lo -= pad; hi += pad
        }
        self.lower = lo; self.upper = hi
        self.rangeStart = rangeStart; self.rangeEnd = rangeEnd
    }

    public init(domain: ClosedRange<Double>, range: ClosedRange<Double>, reversed: Bool = false) {
        self.init(lower: domain.lowerBound, upper: domain.upperBound,
                  rangeStart: reversed ? range.upperBound : range.lowerBound,
                  rangeEnd: reversed ? range.lowerBound : range.upperBound)
    }

    /// A scale whose domain covers [lower, upper] widened to whole tick steps.
    public static func nice(_ lower: Double, _ upper: Double, rangeStart: Double, rangeEnd: Double, tickCount: Int = 5) -> LinearScale {
        let raw = LinearScale(lower: lower, upper: upper, rangeStart: rangeStart, rangeEnd: rangeEnd)
        let n = Ticks.nice(raw.lower, raw.upper, count: tickCount)
        return LinearScale(lower: n.lower, upper: n.upper, rangeStart: rangeStart, rangeEnd: rangeEnd)
    }

    public static func nice(_ lower: Double, _ upper: Double, range: ClosedRange<Double>, reversed: Bool = false, tickCount: Int = 5) -> LinearScale {
        nice(lower, upper, rangeStart: reversed ? range.upperBound : range.lowerBound,
             rangeEnd: reversed ? range.lowerBound : range.upperBound, tickCount: tickCount)
    }

    public var domain: ClosedRange<Double> { lower ... upper }

    public func callAsFunction(_ v: Double) -> Double {
        rangeStart + (v - lower) / (upper - lower) * (rangeEnd - rangeStart)
    }

    public func ticks(count: Int = 5) -> [Double] { Ticks.linear(lower, upper, count: count) }
}
