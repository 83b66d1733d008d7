/// Splits a pixel range into equal bands, one per category (bars, heat-map cells), as
/// d3's `scaleBand` with `align` 0.5: `paddingInner` is the share of a step left empty
/// between bands, `paddingOuter` the share of a step before the first and after the last.
///
///     let x = BandScale(count: 4, rangeStart: 0, rangeEnd: 100, paddingInner: 0.2, paddingOuter: 0.1)
///     x.step          // 25
///     x.bandwidth     // 20
///     x.start(0)      // 2.5
///     x.center(3)     // 87.5
public struct BandScale: Sendable, Equatable {
    public let count: Int
    public let rangeStart: Double, rangeEnd: Double
    public let paddingInner: Double, paddingOuter: Double

    public init(count: Int, rangeStart: Double, rangeEnd: Double, paddingInner: Double = 0.1, paddingOuter: Double = 0.1) {
        precondition(count >= 0 && (0 ... 1).contains(paddingInner) && paddingOuter >= 0)
        self.count = count
        self.rangeStart = rangeStart; self.rangeEnd = rangeEnd
        self.paddingInner = paddingInner; self.paddingOuter = paddingOuter
    }

    /// Distance from one band's start to the next.
    public var step: Double {
        (rangeEnd - rangeStart) / max(1, Double(count) - paddingInner + 2 * paddingOuter)
    }

    public var bandwidth: Double { step * (1 - paddingInner) }

    /// Where band `index` starts.
    public func start(_ index: Int) -> Double {
        let used = step * (Double(count) - paddingInner)
        return rangeStart + (rangeEnd - rangeStart - used) * 0.5 + Double(index) * step
    }

    public func center(_ index: Int) -> Double { start(index) + bandwidth / 2 }
}
