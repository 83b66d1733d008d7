import Foundation

/// "Nice" tick values: steps of 1, 2 or 5 × 10^k (Heckbert 1990, as d3-array's `ticks`,
/// `tickIncrement` and d3-scale's `nice`). Ticks are computed as integers over an exact
/// power of ten, so 0.1 + 0.2 never shows as 0.30000000000000004.
///
///     Ticks.linear(0, 1, count: 5)         // [0, 0.2, 0.4, 0.6, 0.8, 1]
///     Ticks.linear(3.7, 1234, count: 5)    // [200, 400, 600, 800, 1000, 1200]
///     Ticks.nice(3.7, 1234, count: 5)      // (0, 1400)
///     Ticks.log(2, 50)                     // [2, 5, 10, 20, 50]
public enum Ticks {
    /// Integer tick indices `i1 ... i2`; the tick values are `i · increment` when
    /// `increment > 0`, or `i / −increment` when it is negative (steps below 1).
    struct Spec { var i1: Double; var i2: Double; var increment: Double }

    private static let e10 = 50.0.squareRoot(), e5 = 10.0.squareRoot(), e2 = 2.0.squareRoot()

    static func spec(_ start: Double, _ stop: Double, count: Double) -> Spec {
        let step = (stop - start) / max(0, count)
        let power = floor(log10(step))
        let error = step / pow(10, power)
        let factor: Double = error >= e10 ? 10 : error >= e5 ? 5 : error >= e2 ? 2 : 1
        var i1: Double, i2: Double, increment: Double
        if power < 0 {
            increment = pow(10, -power) / factor
            i1 = (start * increment).rounded(.toNearestOrAwayFromZero)
            i2 = (stop * increment).rounded(.toNearestOrAwayFromZero)
            if i1 / increment < start { i1 += 1 }
            if i2 / increment > stop { i2 -= 1 }
            increment = -increment
        } else {
            increment = pow(10, power) * factor
            i1 = (start / increment).rounded(.toNearestOrAwayFromZero)
            i2 = (stop / increment).rounded(.toNearestOrAwayFromZero)
            if i1 * increment < start { i1 += 1 }
            if i2 * increment > stop { i2 -= 1 }
        }
        if i2 < i1 && 0.5 <= count && count < 2 { return spec(start, stop, count: count * 2) }
        return Spec(i1: i1, i2: i2, increment: increment)
    }

    /// About `count` nice values inside [lower, upper] (fewer or a few more: the step is
    /// the nice number nearest to (upper − lower) / count).
    public static func linear(_ lower: Double, _ upper: Double, count: Int) -> [Double] {
        guard count > 0, lower.isFinite, upper.isFinite else { return [] }
        if lower == upper { return [lower] }
        let (start, stop) = lower < upper ? (lower, upper) : (upper, lower)
        let s = spec(start, stop, count: Double(count))
        guard s.i2 >= s.i1 else { return [] }
        return stride(from: s.i1, through: s.i2, by: 1).map { i in s.increment < 0 ? i / -s.increment : i * s.increment }
    }

    /// The distance between consecutive ticks of `linear(lower, upper, count:)`.
    public static func step(_ lower: Double, _ upper: Double, count: Int) -> Double {
        guard count > 0, lower != upper, lower.isFinite, upper.isFinite else { return 0 }
        let inc = spec(min(lower, upper), max(lower, upper), count: Double(count)).increment
        return inc < 0 ? 1 / -inc : inc
    }

    /// The domain widened outwards to whole tick steps, so the axis starts and ends on a
    /// tick (d3's `linear.nice`: repeated until the step stops changing).
    public static func nice(_ lower: Double, _ upper: Double, count: Int) -> (lower: Double, upper: Double) {
        var start = min(lower, upper), stop = max(lower, upper)
        guard count > 0, start < stop, start.isFinite, stop.isFinite else { return (start, stop) }
        var previous: Double?
        for _ in 0 ..< 10 {
            let inc = spec(start, stop, count: Double(count)).increment
            if inc == previous { break }
            if inc > 0 {
                start = floor(start / inc) * inc
                stop = ceil(stop / inc) * inc
            } else if inc < 0 {
                start = ceil(start * inc) / inc
                stop = floor(stop * inc) / inc
            } else { break }
            previous = inc
        }
        return (start, stop)
    }

    /// Integer ticks for a count axis (k = 2 ... 10): the linear ticks with a step of at
    /// least 1.
    public static func integers(_ lower: Double, _ upper: Double, count: Int) -> [Double] {
        if step(lower, upper, count: count) >= 1 { return linear(lower, upper, count: count) }
        let lo = ceil(min(lower, upper)), hi = floor(max(lower, upper))
        return lo <= hi ? Array(stride(from: lo, through: hi, by: 1)) : []
    }

    /// Ticks of a base-10 log axis over [lower, upper] (both > 0): every power of ten when
    /// the domain holds at least three of them (thinned to about `count` when it holds
    /// more), else 1, 2 and 5 times each power.
    public static func log(_ lower: Double, _ upper: Double, count: Int = 10) -> [Double] {
        let lo = min(lower, upper), hi = max(lower, upper)
        guard lo > 0, hi.isFinite, count > 0 else { return [] }
        let first = Int(ceil(log10(lo) - 1e-12)), last = Int(floor(log10(hi) + 1e-12))
        if last - first + 1 >= 3 {
            let stride = max(1, Int(ceil(Double(last - first + 1) / Double(count))))
            return Swift.stride(from: first, through: last, by: stride).map { decade(1, $0) }
        }
        var out = [Double]()
        for p in (first - 1) ... (last + 1) {
            for m in [1.0, 2, 5] {
                let v = decade(m, p)
                if v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12) { out.append(v) }
            }
        }
        return out
    }

    /// m · 10^p, divided by an exact power of ten for negative p (0.2, not 2 × 0.1).
    static func decade(_ m: Double, _ p: Int) -> Double {
        p >= 0 ? m * NumberFormat.power10(p) : m / NumberFormat.power10(-p)
    }
}
