import Foundation

/// What a numeric cell holds.
enum NumericCell: Equatable {
    case number(Double)
    /// The empty cell (or only spaces): the one way to write a missing value.
    case empty
    /// `NaN`, `inf`, `Infinity` in any case or sign.
    case nonFinite
    /// A number beyond Double's range (`1e400`); one below it rounds to zero, as in `strtod`.
    case outOfRange
    /// Anything else.
    case invalid
}

/// Decimal numbers from bytes: `[+-]digits[.digits][(e|E)[+-]digits]` (or `.5`), surrounding
/// spaces allowed. Up to 19 significant digits with a power of ten ≤ 22 take Clinger's exact
/// fast path (one correctly rounded multiply or divide); anything longer goes to `strtod`,
/// so every result is the correctly rounded Double, identical to `Double(String)`.
enum NumberParser {
    private static let powersOfTen: [Double] = (0 ... 22).map { Double("1e\($0)")! }

    static func parse(_ field: UnsafeBufferPointer<UInt8>) -> NumericCell { parse(field, needValue: true) }

    /// The message for an `.outOfRange` cell quoted as `shown`.
    static func outOfRangeMessage(_ shown: String) -> String {
        "'\(shown)' is out of range (numbers must be within ±1.8e308)"
    }

    /// Whether the cell is text: neither a number, nor empty, nor a non-finite word. Skips the
    /// rounding of long numbers (for the column-kind pass over a customers file).
    static func isText(_ field: UnsafeBufferPointer<UInt8>) -> Bool { parse(field, needValue: false) == .invalid }

    /// Without `needValue`, a number too long for the fast path is reported as `.number(0)`.
    private static func parse(_ field: UnsafeBufferPointer<UInt8>, needValue: Bool) -> NumericCell {
        var lo = 0, hi = field.count
        while lo < hi, field[lo] == 0x20 || field[lo] == 0x09 { lo += 1 }
        while hi > lo, field[hi - 1] == 0x20 || field[hi - 1] == 0x09 { hi -= 1 }
        if lo == hi { return .empty }
        var p = lo
        var negative = false
        if field[p] == 0x2B || field[p] == 0x2D { negative = field[p] == 0x2D; p += 1 }
        // Up to 19 significant digits go into `mantissa`; the rest only move the exponent.
        var mantissa: UInt64 = 0
        var significant = 0, exponent = 0, digits = 0
        var exact = true
        var afterPoint = false
        while p < hi {
            let d = field[p] &- 0x30
            if d >= 10 {
                if field[p] == 0x2E, !afterPoint { afterPoint = true; p += 1; continue }
                break
            }
            digits += 1
            if mantissa == 0 && d == 0 {
                if afterPoint { exponent -= 1 }
            } else if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                significant += 1
                if afterPoint { exponent -= 1 }
            } else {
                exact = false
                if !afterPoint { exponent += 1 }
            }
            p += 1
        }
        if digits == 0 { return isNonFiniteWord(field, from: p, to: hi) ? .nonFinite : .invalid }
        if p < hi, field[p] == 0x65 || field[p] == 0x45 {
            p += 1
            var expNegative = false
            if p < hi, field[p] == 0x2B || field[p] == 0x2D { expNegative = field[p] == 0x2D; p += 1 }
            let expStart = p
            var e = 0
            while p < hi, field[p] &- 0x30 < 10 { e = min(e * 10 + Int(field[p] &- 0x30), 100_000); p += 1 }
            if p == expStart { return .invalid }
            exponent += expNegative ? -e : e
        }
        if p != hi { return .invalid }
        if exact, mantissa < (1 << 53), abs(exponent) <= 22 {
            var v = Double(mantissa)
            v = exponent >= 0 ? v * powersOfTen[exponent] : v / powersOfTen[-exponent]
            return .number(negative ? -v : v)
        }
        guard needValue else { return .number(0) }
        let v = strtodFallback(UnsafeBufferPointer(rebasing: field[lo ..< hi]))
        return v.isFinite ? .number(v) : .outOfRange
    }

    /// `nan`, `inf`, `infinity` (any case) after an optional sign.
    private static func isNonFiniteWord(_ field: UnsafeBufferPointer<UInt8>, from p: Int, to hi: Int) -> Bool {
        let word = String(decoding: UnsafeBufferPointer(rebasing: field[p ..< hi]), as: UTF8.self).lowercased()
        return word == "nan" || word == "inf" || word == "infinity"
    }

    /// The syntax was checked already; strtod only rounds (C locale: `.` is the decimal point).
    private static func strtodFallback(_ text: UnsafeBufferPointer<UInt8>) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer in
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: text.baseAddress!, byteCount: text.count)
            buffer[text.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }
}
