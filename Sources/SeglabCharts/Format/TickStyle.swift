/// How an axis writes its tick values. Every label of one axis gets the same number of
/// decimals, read from the tick step (a step of 0.2 gives one decimal, 50 gives none).
///
///     TickStyle.automatic.labels(for: [0, 0.2, 0.4], step: 0.2)        // ["0.0", "0.2", "0.4"]
///     TickStyle.automatic.labels(for: [0, 20_000, 40_000], step: 20_000)   // ["0", "20k", "40k"]
///     TickStyle.percent.labels(for: [0, 0.25, 0.5], step: 0.25)         // ["0%", "25%", "50%"]
public enum TickStyle: Sendable, Equatable {
    /// Plain numbers with thousands separators below 10,000; SI suffixes (k, M, G, T) when the
    /// largest tick magnitude is 10,000 or more (zero then written "0").
    case automatic
    /// Shares in [0, 1] written as percentages.
    case percent
    /// Always SI suffixes.
    case si
    /// Exactly this many decimals, with thousands separators.
    case fixed(decimals: Int)

    /// The labels of `ticks`, spaced `step` apart (for log scales pass 0: each label then
    /// takes the decimals it needs).
    public func labels(for ticks: [Double], step: Double) -> [String] {
        switch self {
        case .fixed(let d):
            return ticks.map { NumberFormat.fixed($0, decimals: d, grouping: true) }
        case .percent:
            return ticks.map { NumberFormat.percent($0, decimals: Self.decimals(step: step * 100, value: $0 * 100)) }
        case .automatic, .si:
            let largest = ticks.map(\.magnitude).max() ?? 0
            if self == .automatic && largest < 10_000 {
                return ticks.map { NumberFormat.fixed($0, decimals: Self.decimals(step: step, value: $0), grouping: true) }
            }
            let prefix = Self.siPrefix(largest)
            let divisor = NumberFormat.power10(3 * prefix.power)
            return ticks.map { t in
                let v = t / divisor
                // Zero is written "0" whatever the decimals ("0.0M" reads as noise).
                return v == 0 ? "0" : NumberFormat.fixed(v, decimals: Self.decimals(step: step / divisor, value: v), grouping: true) + prefix.symbol
            }
        }
    }

    /// Decimals that show a step exactly (steps are 1, 2 or 5 × 10^k); with no step (log
    /// ticks), the decimals `value` itself needs, up to 6.
    static func decimals(step: Double, value: Double) -> Int {
        let s = step > 0 ? step : value.magnitude
        guard s > 0, s.isFinite else { return 0 }
        var d = 0
        while d < 6 {
            let scaled = s * NumberFormat.power10(d)
            if (scaled - scaled.rounded()).magnitude < 1e-9 * max(1, scaled) { break }
            d += 1
        }
        return d
    }

    static func siPrefix(_ magnitude: Double) -> (power: Int, symbol: String) {
        let symbols = ["", "k", "M", "G", "T"]
        var power = 0
        while power < symbols.count - 1 && magnitude >= NumberFormat.power10(3 * (power + 1)) { power += 1 }
        return (power, symbols[power])
    }
}
