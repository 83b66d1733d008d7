/// Adjusted Rand index of two labelings, as scikit-learn's `adjusted_rand_score` (from the
/// pair confusion matrix, with exact integer products). Noise (-1) counts as one more class.
public func adjustedRandIndex(truth: [Int], predicted: [Int]) -> MetricResult {
    guard !truth.isEmpty else { return .undefined("no rows") }
    return adjustedRandIndex(Contingency(truth: truth, predicted: predicted))
}

func adjustedRandIndex(_ table: Contingency) -> MetricResult {
    let n = UInt64(table.n)
    let sumSquares = table.cells.reduce(UInt64(0)) { $0 + UInt64($1.count * $1.count) }
    let truthPairs = table.truthCounts.reduce(UInt64(0)) { $0 + UInt64($1 * $1) }
    let predictedPairs = table.predictedCounts.reduce(UInt64(0)) { $0 + UInt64($1 * $1) }
    let tp = sumSquares - n
    let fp = predictedPairs - sumSquares
    let fn = truthPairs - sumSquares
    let tn = n * n - fp - fn - sumSquares
    if fn == 0 && fp == 0 { return .defined(1) }
    let numerator = WideUnsigned(tp, tn).minus(WideUnsigned(fn, fp))
    let denominator = WideUnsigned(tp + fn, fn + tn).doubleValue + WideUnsigned(tp + fp, fp + tn).doubleValue
    return .defined(2 * numerator / denominator)
}

/// An exact 128-bit product of two counts: pair counts reach n², their products n⁴.
private struct WideUnsigned {
    let high: UInt64, low: UInt64

    init(_ a: UInt64, _ b: UInt64) { (high, low) = a.multipliedFullWidth(by: b) }

    var doubleValue: Double { Double(high) * 0x1p64 + Double(low) }

    /// self − other as a Double (the difference is exact before the final rounding).
    func minus(_ other: WideUnsigned) -> Double {
        let selfIsLarger = (high, low) >= (other.high, other.low)
        let (big, small) = selfIsLarger ? (self, other) : (other, self)
        let (lowDiff, borrow) = big.low.subtractingReportingOverflow(small.low)
        let highDiff = big.high - small.high - (borrow ? 1 : 0)
        let magnitude = Double(highDiff) * 0x1p64 + Double(lowDiff)
        return selfIsLarger ? magnitude : -magnitude
    }
}
