/// Calendar days from date text: ISO 8601 (`2011-12-09`, `2011-12-09T12:50:00`,
/// `2011-12-09 12:50`, optional fraction and `Z`/`±hh:mm`), or a strftime-style `date_format`
/// with `%Y %y %m %d %H %M %S %b %%`. The time of day is checked and then ignored (SPEC §5).
///
/// As with strptime, numbers may have one or two digits (`%Y` one to four), `%y` 69–99 means
/// 19xx and 00–68 20xx, `%b` is an English month abbreviation in any case, and a space in the
/// format matches one or more spaces. Days are counted from 1970-01-01 (proleptic Gregorian).
struct DateParser {
    private enum Token: Equatable {
        case year4, year2, month, day, hour, minute, second, monthName
        case literal(UInt8)
        case spaces
    }

    private let tokens: [Token]?

    /// nil means ISO 8601; otherwise the format is compiled once.
    init(format: String?) throws {
        guard let format else { tokens = nil; return }
        var out = [Token]()
        var bytes = Array(format.utf8)[...]
        while let b = bytes.popFirst() {
            if b == 0x25 {  // %
                guard let d = bytes.popFirst() else { throw FormatError("date_format ends with a lone '%'") }
                switch d {
                case UInt8(ascii: "Y"): out.append(.year4)
                case UInt8(ascii: "y"): out.append(.year2)
                case UInt8(ascii: "m"): out.append(.month)
                case UInt8(ascii: "d"): out.append(.day)
                case UInt8(ascii: "H"): out.append(.hour)
                case UInt8(ascii: "M"): out.append(.minute)
                case UInt8(ascii: "S"): out.append(.second)
                case UInt8(ascii: "b"): out.append(.monthName)
                case UInt8(ascii: "%"): out.append(.literal(0x25))
                default:
                    let directive = d < 0x80 ? "'%\(excerpt(String(Character(Unicode.Scalar(d)))))'" : "'%' before a non-ASCII character"
                    throw FormatError("date_format directive \(directive) is not supported (use %Y %y %m %d %H %M %S %b)")
                }
            } else if b == 0x20 {
                if out.last != .spaces { out.append(.spaces) }
            } else {
                out.append(.literal(b))
            }
        }
        guard out.contains(.day), out.contains(.month) || out.contains(.monthName),
              out.contains(.year4) || out.contains(.year2) else {
            throw FormatError("date_format '\(excerpt(format))' must give a year (%Y or %y), a month (%m or %b) and a day (%d)")
        }
        tokens = out
    }

    /// A bad `date_format` (the caller adds the file and column).
    struct FormatError: Error { let message: String; init(_ m: String) { message = m } }

    /// The day number of `text`, or nil when it is not a valid date in the expected format.
    func day(_ text: UnsafeBufferPointer<UInt8>) -> Int32? {
        var lo = 0, hi = text.count
        while lo < hi, text[lo] == 0x20 { lo += 1 }
        while hi > lo, text[hi - 1] == 0x20 { hi -= 1 }
        let t = UnsafeBufferPointer(rebasing: text[lo ..< hi])
        return tokens.map { Self.parse(t, $0) } ?? Self.parseISO(t)
    }

    /// A strict `yyyy-mm-dd` (the `as_of` option), or nil.
    static func parseISODate(_ text: String) -> Int32? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 else { return nil }
        return bytes.withUnsafeBufferPointer { parseISO($0) }
    }

    /// Days since 1970-01-01 of a valid civil date (Hinnant's days_from_civil).
    static func dayNumber(year: Int, month: Int, day: Int) -> Int32? {
        guard (1 ... 12).contains(month), day >= 1, day <= daysInMonth(year, month), (1 ... 9999).contains(year) else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146_097 + doe - 719_468)
    }

    /// `yyyy-mm-dd` of a day number (Hinnant's civil_from_days), for messages.
    static func text(_ dayNumber: Int32) -> String {
        let z = Int(dayNumber) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    private static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Reads exactly `count` digits at `p`.
    @inline(__always)
    private static func fixed(_ t: UnsafeBufferPointer<UInt8>, _ p: inout Int, _ count: Int) -> Int? {
        guard p + count <= t.count else { return nil }
        var v = 0
        for k in 0 ..< count {
            let d = t[p + k] &- 0x30
            guard d < 10 else { return nil }
            v = v * 10 + Int(d)
        }
        p += count
        return v
    }

    /// Reads 1 ... `maxCount` digits at `p` (strptime's width rule).
    @inline(__always)
    private static func flexible(_ t: UnsafeBufferPointer<UInt8>, _ p: inout Int, _ maxCount: Int) -> Int? {
        var v = 0, n = 0
        while n < maxCount, p < t.count, t[p] &- 0x30 < 10 { v = v * 10 + Int(t[p] &- 0x30); p += 1; n += 1 }
        return n == 0 ? nil : v
    }

    @inline(__always)
    private static func expect(_ t: UnsafeBufferPointer<UInt8>, _ p: inout Int, _ b: UInt8) -> Bool {
        guard p < t.count, t[p] == b else { return false }
        p += 1
        return true
    }

    private static func parseISO(_ t: UnsafeBufferPointer<UInt8>) -> Int32? {
        var p = 0
        guard let y = fixed(t, &p, 4), expect(t, &p, 0x2D), let m = fixed(t, &p, 2), expect(t, &p, 0x2D),
              let d = fixed(t, &p, 2), let day = dayNumber(year: y, month: m, day: d) else { return nil }
        if p == t.count { return day }
        guard t[p] == 0x54 || t[p] == 0x20 else { return nil }  // 'T' or ' '
        p += 1
        guard let hh = fixed(t, &p, 2), hh < 24, expect(t, &p, 0x3A), let mm = fixed(t, &p, 2), mm < 60 else { return nil }
        if expect(t, &p, 0x3A) {
            guard let ss = fixed(t, &p, 2), ss <= 60 else { return nil }
            if expect(t, &p, 0x2E) {
                guard flexible(t, &p, 9) != nil else { return nil }
            }
        }
        if p == t.count { return day }
        if expect(t, &p, 0x5A) { return p == t.count ? day : nil }  // 'Z'
        guard t[p] == 0x2B || t[p] == 0x2D else { return nil }
        p += 1
        guard let oh = fixed(t, &p, 2), oh < 24 else { return nil }
        _ = expect(t, &p, 0x3A)
        guard let om = fixed(t, &p, 2), om < 60, p == t.count else { return nil }
        return day
    }

    private static let monthNames: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"].map { Array($0.utf8) }

    private static func parse(_ t: UnsafeBufferPointer<UInt8>, _ tokens: [Token]) -> Int32? {
        var p = 0
        var year = 0, month = 0, day = 0
        for token in tokens {
            switch token {
            case .year4: guard let v = flexible(t, &p, 4) else { return nil }; year = v
            case .year2: guard let v = flexible(t, &p, 2) else { return nil }; year = v < 69 ? 2000 + v : 1900 + v
            case .month: guard let v = flexible(t, &p, 2) else { return nil }; month = v
            case .day: guard let v = flexible(t, &p, 2) else { return nil }; day = v
            case .hour: guard let v = flexible(t, &p, 2), v < 24 else { return nil }
            case .minute: guard let v = flexible(t, &p, 2), v < 60 else { return nil }
            case .second: guard let v = flexible(t, &p, 2), v <= 61 else { return nil }
            case .monthName:
                guard p + 3 <= t.count else { return nil }
                let word = (0 ..< 3).map { t[p + $0] | 0x20 }  // ASCII lower case
                guard let k = monthNames.firstIndex(of: word) else { return nil }
                month = k + 1
                p += 3
            case .literal(let b): guard expect(t, &p, b) else { return nil }
            case .spaces:
                let start = p
                while p < t.count, t[p] == 0x20 { p += 1 }
                if p == start { return nil }
            }
        }
        return p == t.count ? dayNumber(year: year, month: month, day: day) : nil
    }
}
