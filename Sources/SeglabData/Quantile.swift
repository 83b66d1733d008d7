/// Order statistics as NumPy computes them (`method="linear"`, the default of
/// `np.percentile`, which scikit-learn's `RobustScaler` uses).
enum Quantile {
    /// The `q` quantile (0...1) of ascending `sorted` values: virtual index q·(n−1), linear
    /// interpolation written as NumPy's `_lerp` (from the upper value when the fraction ≥ 0.5)
    /// so results match it bit for bit.
    static func of(sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty)
        let position = q * Double(sorted.count - 1)
        let lower = min(Int(position.rounded(.down)), sorted.count - 1)
        let upper = min(lower + 1, sorted.count - 1)
        let t = position - Double(lower)
        let a = sorted[lower], b = sorted[upper]
        let diff = b - a
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
    }

    /// The `q` quantile of unsorted values.
    static func of(_ values: [Double], _ q: Double) -> Double { of(sorted: values.sorted(), q) }
}
