import Foundation

/// Number to text with fixed rules and no locale, so a chart's bytes never depend on the
/// machine: rounding is half away from zero on the decimal digits shown, and "−0" is never
/// written.
///
///     NumberFormat.coordinate(12.3456)                  // "12.35"
///     NumberFormat.fixed(1234.5, decimals: 1, grouping: true)   // "1,234.5"
///     NumberFormat.fixed(-0.25, decimals: 1)            // "−0.3" (typographic minus)
public enum NumberFormat {
    /// The minus sign of visible text (U+2212), as typeset tables use.
    public static let minus = "\u{2212}"

    /// An SVG coordinate or length: at most two decimals, trailing zeros dropped, ASCII
    /// minus. Non-finite values (which no chart should produce) are written as 0.
    public static func coordinate(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        var s = fixed(v, decimals: 2, minusSign: "-")
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// `v` with exactly `decimals` digits after the point, optionally with thousands
    /// separators (","), negative values with `minusSign`. Values too large for exact
    /// integer arithmetic (|v| · 10^decimals ≥ 2^53) fall back to Swift's shortest
    /// round-trip form.
    public static func fixed(_ v: Double, decimals: Int, grouping: Bool = false, minusSign: String = minus) -> String {
        precondition(decimals >= 0 && decimals <= 15)
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "∞" : minusSign + "∞") }
        let scaled = (v.magnitude * power10(decimals)).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9_007_199_254_740_992 else { return v < 0 ? minusSign + "\(v.magnitude)" : "\(v)" }
        var digits = String(UInt64(scaled))
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals + 1 - digits.count) + digits }
        let integerPart = String(digits.dropLast(decimals))
        var out = grouping ? grouped(integerPart) : integerPart
        if decimals > 0 { out += "." + digits.suffix(decimals) }
        return (v < 0 && scaled != 0) ? minusSign + out : out
    }

    /// `share` (0.25) as a percentage with `decimals` digits ("25.0%").
    public static func percent(_ share: Double, decimals: Int) -> String {
        fixed(share * 100, decimals: decimals) + "%"
    }

    /// `v` rounded to `digits` significant digits, without trailing zeros, with thousands
    /// separators: for values printed on a chart whose magnitude is unknown in advance.
    ///
    ///     NumberFormat.significant(0.0123456, digits: 3)   // "0.0123"
    ///     NumberFormat.significant(123456, digits: 3)      // "123,456" (integers keep their digits)
    public static func significant(_ v: Double, digits: Int) -> String {
        guard v.isFinite, v != 0 else { return fixed(v, decimals: 0) }
        let magnitude = Int(floor(log10(v.magnitude)))
        let decimals = min(15, max(0, digits - 1 - magnitude))
        var s = fixed(v, decimals: decimals, grouping: true)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// 10^n for 0 ≤ n ≤ 22, exact in binary floating point.
    static func power10(_ n: Int) -> Double {
        var p = 1.0
        for _ in 0 ..< n { p *= 10 }
        return p
    }

    private static func grouped(_ integer: String) -> String {
        guard integer.count > 3 else { return integer }
        var out = ""
        for (i, c) in integer.enumerated() {
            if i > 0 && (integer.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }
}
