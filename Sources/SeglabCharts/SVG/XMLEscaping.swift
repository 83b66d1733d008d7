/// Escaping for XML text and attribute values, so any label (a feature called `a<b & "c"`,
/// a segment name with an apostrophe) yields well-formed SVG (and HTML: the report's page
/// escapes with it too).
public enum XMLEscaping {
    public static func text(_ s: String) -> String { escape(s, quotes: false) }
    public static func attribute(_ s: String) -> String { escape(s, quotes: true) }

    private static func escape(_ s: String, quotes: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "\n" where quotes: out += "&#10;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                // Control characters and non-characters are not allowed anywhere in XML 1.0.
                let v = scalar.value
                if v < 0x20 || (0xFFFE ... 0xFFFF).contains(v) || (0xD800 ... 0xDFFF).contains(v) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
