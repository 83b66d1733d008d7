/// The values of a real range `{"from", "to", "step"}` (SPEC §1), computed in decimal so they
/// are the doubles the same numbers written in an array give.
///
/// Rule: `from`, `to` and `step` are taken in their shortest round-trip decimal form (what a
/// user reads: `0.1`, not 0.1000000000000000055…); value i is `from + i·step` computed exactly
/// in decimal, then rounded once to the nearest double, as parsing its decimal text would.
/// The range holds every such value up to and including `to`. So `{"from": 0.1, "to": 0.3,
/// "step": 0.1}` is exactly 0.1, 0.2, 0.3 (binary `0.1 + 2 × 0.1` is 0.30000000000000004) and
/// gives the same run keys as `[0.1, 0.2, 0.3]`.
enum RealRange {
    /// `significand × 10^exponent`.
    private struct Decimal {
        var significand: Int
        var exponent: Int
    }

    /// Why the range cannot be computed exactly (the caller names the place), or the values.
    enum Outcome: Equatable {
        case values([Double])
        case tooManyValues
        case tooManyDigits
    }

    static func values(from: Double, to: Double, step: Double, limit: Int) -> Outcome {
        let f = decimal(from), t = decimal(to), s = decimal(step)
        let e = min(f.exponent, t.exponent, s.exponent)
        guard let first = scaled(f, to: e), let last = scaled(t, to: e), let stride = scaled(s, to: e), stride > 0 else {
            return .tooManyDigits
        }
        let (span, overflow) = last.subtractingReportingOverflow(first)
        if overflow { return .tooManyDigits }
        let count = span / stride + 1
        if count > limit { return .tooManyValues }
        return .values((0 ..< count).map { i in Double("\(first + i * stride)e\(e)")! })
    }

    /// The shortest round-trip decimal of a finite double: Swift's `description` (`0.1`,
    /// `1e-06`, `1.5e+16`, `100.0`) read back as digits and a power of ten.
    private static func decimal(_ d: Double) -> Decimal {
        let text = d.description
        let mantissa = text.prefix { $0 != "e" }
        let exponent = text.firstIndex(of: "e").map { Int(text[text.index(after: $0)...])! } ?? 0
        let fraction = mantissa.firstIndex(of: ".").map { mantissa[mantissa.index(after: $0)...] } ?? ""
        let digits = mantissa.filter { $0 != "." && $0 != "-" }
        let magnitude = Int(digits)!  // at most 17 significant digits
        return Decimal(significand: d < 0 ? -magnitude : magnitude, exponent: exponent - fraction.count)
    }

    /// `d` as a multiple of `10^exponent` (exponent ≤ d's), or nil when it overflows an Int.
    private static func scaled(_ d: Decimal, to exponent: Int) -> Int? {
        var v = d.significand
        for _ in 0 ..< d.exponent - exponent {
            let (p, overflow) = v.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            v = p
        }
        return v
    }
}
