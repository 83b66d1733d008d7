/// Text widths without a renderer, so layout (margins, legends, label rotation) is the same
/// on every machine: each character's advance in DejaVu Sans (Book and Bold), the first
/// font of the stack every chart declares. Verdana, next in the stack, has nearly the same
/// metrics; a browser that substitutes another font draws slightly narrower or wider text,
/// which the layout's padding absorbs. Kerning is ignored.
///
///     TextMeasure.width("Inertia", fontSize: 12)   // 38.856 (pixels)
public enum TextMeasure {
    /// The `font-family` of every chart's root element.
    public static let fontFamily = "DejaVu Sans, Verdana, Geneva, sans-serif"

    /// Width of `text` in pixels at `fontSize`. Characters outside the table count as the
    /// font's average lowercase letter (0.6 em), or a full em for wide scripts (CJK).
    public static func width(_ text: String, fontSize: Double, bold: Bool = false) -> Double {
        let table = bold ? boldAdvances : bookAdvances
        var units = 0
        for c in text {
            if let a = table[c] { units += a } else { units += c.unicodeScalars.first!.value >= 0x2E80 ? 1000 : 600 }
        }
        return Double(units) * fontSize / 1000
    }

    /// `text` cut to fit `maxWidth` pixels, ending with "…" when something was cut.
    public static func truncated(_ text: String, toWidth maxWidth: Double, fontSize: Double, bold: Bool = false) -> String {
        guard width(text, fontSize: fontSize, bold: bold) > maxWidth else { return text }
        var kept = Array(text)
        while !kept.isEmpty && width(String(kept) + "…", fontSize: fontSize, bold: bold) > maxWidth { kept.removeLast() }
        return String(kept) + "…"
    }

    /// Advances per 1,000 units of the em, read from DejaVuSans.ttf by
    /// `python3 scripts/font_advances.py /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf`.
    static let bookAdvances: [Character: Int] = [
        " ": 318, "!": 401, "\"": 460, "#": 838, "$": 636, "%": 950, "&": 780, "'": 275, "(": 390, ")": 390,
        "*": 500, "+": 838, ",": 318, "-": 361, ".": 318, "/": 337, "0": 636, "1": 636, "2": 636, "3": 636,
        "4": 636, "5": 636, "6": 636, "7": 636, "8": 636, "9": 636, ":": 337, ";": 337, "<": 838, "=": 838,
        ">": 838, "?": 531, "@": 1000, "A": 684, "B": 686, "C": 698, "D": 770, "E": 632, "F": 575, "G": 775,
        "H": 752, "I": 295, "J": 295, "K": 656, "L": 557, "M": 863, "N": 748, "O": 787, "P": 603, "Q": 787,
        "R": 695, "S": 635, "T": 611, "U": 732, "V": 684, "W": 989, "X": 685, "Y": 611, "Z": 685, "[": 390,
        "\\": 337, "]": 390, "^": 838, "_": 500, "`": 500, "a": 613, "b": 635, "c": 550, "d": 635, "e": 615,
        "f": 352, "g": 635, "h": 634, "i": 278, "j": 278, "k": 579, "l": 278, "m": 974, "n": 634, "o": 612,
        "p": 635, "q": 635, "r": 411, "s": 521, "t": 392, "u": 634, "v": 592, "w": 818, "x": 592, "y": 592,
        "z": 525, "{": 636, "|": 337, "}": 636, "~": 838, "·": 318, "–": 500, "—": 1000, "×": 838, "…": 1000,
        "€": 636, "£": 636, "°": 500, "±": 838, "≤": 838, "≥": 838, "≈": 838, "→": 838, "←": 838, "↑": 838,
        "↓": 838, "µ": 636, "²": 401, "³": 401, "é": 615,
    ]

    /// The same for DejaVuSans-Bold.ttf (titles).
    static let boldAdvances: [Character: Int] = [
        " ": 348, "!": 456, "\"": 521, "#": 838, "$": 696, "%": 1002, "&": 872, "'": 306, "(": 457, ")": 457,
        "*": 523, "+": 838, ",": 380, "-": 415, ".": 380, "/": 365, "0": 696, "1": 696, "2": 696, "3": 696,
        "4": 696, "5": 696, "6": 696, "7": 696, "8": 696, "9": 696, ":": 400, ";": 400, "<": 838, "=": 838,
        ">": 838, "?": 580, "@": 1000, "A": 774, "B": 762, "C": 734, "D": 830, "E": 683, "F": 683, "G": 821,
        "H": 837, "I": 372, "J": 372, "K": 775, "L": 637, "M": 995, "N": 837, "O": 850, "P": 733, "Q": 850,
        "R": 770, "S": 720, "T": 682, "U": 812, "V": 774, "W": 1103, "X": 771, "Y": 724, "Z": 725, "[": 457,
        "\\": 365, "]": 457, "^": 838, "_": 500, "`": 500, "a": 675, "b": 716, "c": 593, "d": 716, "e": 678,
        "f": 435, "g": 716, "h": 712, "i": 343, "j": 343, "k": 665, "l": 343, "m": 1042, "n": 712, "o": 687,
        "p": 716, "q": 716, "r": 493, "s": 595, "t": 478, "u": 712, "v": 652, "w": 924, "x": 645, "y": 652,
        "z": 582, "{": 712, "|": 365, "}": 712, "~": 838, "·": 380, "–": 500, "—": 1000, "×": 838, "…": 1000,
        "€": 696, "£": 696, "°": 500, "±": 838, "≤": 838, "≥": 838, "≈": 838, "→": 838, "←": 838, "↑": 838,
        "↓": 838, "µ": 736, "²": 438, "³": 438, "é": 678,
    ]
}
