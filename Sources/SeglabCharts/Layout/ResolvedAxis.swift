/// A numeric axis with its domain, ticks and tick labels settled from the data, before any
/// pixel is known (so the labels can be measured to size the margins).
struct ResolvedAxis {
    let spec: AxisSpec
    let lower: Double
    let upper: Double
    let ticks: [Double]
    let labels: [String]

    /// `tickCount` is the wanted number of intervals (d3's `count`); `padding` widens a
    /// data-read linear domain by that share of its extent on each side before it is made
    /// nice (so no mark sits on the frame), without crossing zero.
    init(_ spec: AxisSpec, values: [Double], tickCount: Int, padding: Double = 0) {
        self.spec = spec
        let count = max(2, tickCount)
        if spec.logarithmic {
            let positive = values.filter { $0 > 0 && $0.isFinite }
            let lo = spec.domain?.lowerBound ?? positive.min() ?? 1
            let hi = spec.domain?.upperBound ?? positive.max() ?? 10
            let scale = spec.domain == nil ? LogScale.nice(lo, hi, rangeStart: 0, rangeEnd: 1)
                : LogScale(lower: lo, upper: hi, rangeStart: 0, rangeEnd: 1)
            lower = scale.lower; upper = scale.upper
            ticks = scale.ticks(count: count)
            labels = spec.style.labels(for: ticks, step: 0)
            return
        }
        var lo: Double, hi: Double
        if let d = spec.domain {
            lo = d.lowerBound; hi = d.upperBound
        } else {
            let finite = values.filter(\.isFinite)
            lo = finite.min() ?? 0; hi = finite.max() ?? 1
            if spec.includeZero { lo = min(lo, 0); hi = max(hi, 0) }
            let pad = (hi - lo) * padding
            lo = lo >= 0 ? max(0, lo - pad) : lo - pad
            hi = hi <= 0 ? min(0, hi + pad) : hi + pad
            let scale = LinearScale.nice(lo, hi, rangeStart: 0, rangeEnd: 1, tickCount: count)
            lo = scale.lower; hi = scale.upper
        }
        if lo == hi {
            let widened = LinearScale(lower: lo, upper: hi, rangeStart: 0, rangeEnd: 1)
            lo = widened.lower; hi = widened.upper
        }
        lower = lo; upper = hi
        ticks = spec.integerTicks ? Ticks.integers(lo, hi, count: count) : Ticks.linear(lo, hi, count: count)
        let step = ticks.count > 1 ? Ticks.step(lo, hi, count: count) : 0
        labels = spec.style.labels(for: ticks, step: spec.integerTicks ? max(1, step) : step)
    }

    /// The pixel of `v` on a range from `start` (the lower value) to `end`, clamped to it.
    func position(_ v: Double, start: Double, end: Double) -> Double {
        let p = spec.logarithmic
            ? LogScale(lower: lower, upper: upper, rangeStart: start, rangeEnd: end)(v > 0 ? v : lower)
            : LinearScale(lower: lower, upper: upper, rangeStart: start, rangeEnd: end)(v)
        return min(max(start, end), max(min(start, end), p))
    }

    /// Whether `v` can be drawn at all (finite, and positive on a log axis).
    func accepts(_ v: Double) -> Bool { v.isFinite && (!spec.logarithmic || v > 0) }

    var widestLabel: Double { labels.map { TextMeasure.width($0, fontSize: ChartTheme.tickSize) }.max() ?? 0 }
}
