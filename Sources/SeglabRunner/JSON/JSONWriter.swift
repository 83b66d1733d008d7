/// Writes `JSONValue`s byte-stably.
///
/// Canonical form (SPEC §2, the preimage of a run key): keys sorted by their UTF-8 bytes, no
/// white space, integers in decimal, reals in shortest round-trip form that always carries a
/// `.` or an exponent (`1.0`, `1e-05`), so `"eps": 1` normalised to a real and `"eps": 1.0`
/// give the same bytes. Byte for byte, this is Python's
/// `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`: reals as
/// Python's `repr(float)` (positional from 1e-4 up to 1e16, else `1e-05`, `1.5e+16`), strings
/// with `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t` and `\u00XX` (lower-case hex) for other
/// control characters, everything else as UTF-8 (RunIdentityTests pins a key computed by Python).
///
///     JSONWriter.canonical(.object([("b", .int(1)), ("a", .real(0.5))]))  // {"a":0.5,"b":1}
public enum JSONWriter {
    public static func canonical(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out, indent: nil, level: 0)
        return out
    }

    /// Sorted keys, two-space indentation, a final newline: for artifacts people read.
    public static func pretty(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out, indent: "  ", level: 0)
        out += "\n"
        return out
    }

    /// Shortest round-trip text of a finite real, with a `.` or an exponent, as Python's `repr`.
    public static func real(_ d: Double) -> String {
        precondition(d.isFinite, "JSON has no NaN or infinity")
        let s = d.description   // Swift prints the shortest round-trip digits
        guard let e = s.firstIndex(of: "e") else { return s.contains(".") ? s : s + ".0" }
        // Swift switches to an exponent above 2^53, Python at 1e16: between them (exponent 15,
        // integers all) write Python's positional form, e.g. 9007199254740994.0.
        let exponent = Int(s[s.index(after: e)...])!
        guard exponent == 15 else { return s }
        let sign = s.hasPrefix("-") ? "-" : ""
        let digits = s[..<e].filter { $0.isNumber }
        return sign + digits + String(repeating: "0", count: exponent + 1 - digits.count) + ".0"
    }

    private static func write(_ value: JSONValue, into out: inout String, indent: String?, level: Int) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .real(let d): out += real(d)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent, level + 1)
                write(item, into: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            let sorted = members.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            for (i, m) in sorted.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent, level + 1)
                writeString(m.key, into: &out)
                out += indent == nil ? ":" : ": "
                write(m.value, into: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out += "}"
        }
    }

    private static func newline(_ out: inout String, _ indent: String?, _ level: Int) {
        guard let indent else { return }
        out += "\n" + String(repeating: indent, count: level)
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }
}
