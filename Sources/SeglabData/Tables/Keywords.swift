/// The keywords of a product description, by fixed rules (README "Product categories"):
///
/// 1. Words are the maximal runs of ASCII letters; everything else (digits, punctuation,
///    spaces, `£`, any other non-ASCII letter) separates words: `T-LIGHT` is `t`, `light`.
/// 2. Letters are folded to lower case.
/// 3. Plurals are folded, first rule that applies: `…ies` → `…y` (words of 5 letters or more:
///    `berries` → `berry`); `…sses` → `…ss` (`glasses`); `…xes`, `…ches`, `…shes`, `…zzes` lose
///    `es` (`boxes` → `box`); otherwise a final `s` is dropped from words of 4 letters or more
///    unless it follows `s`, `u`, `i` or `a` (`lights` → `light`; `glass`, `cactus`, `paris`,
///    `christmas` stay).
/// 4. A word shorter than 3 letters after folding is dropped, and so is a stop word (the
///    built-in `stopWords`, plus the experiment's), in its own or its folded form.
///
///     Keywords(extraStopWords: ["pink"]).words(in: "PINK HANGING HEART T-LIGHT HOLDERS")
///     // ["hanging", "heart", "light", "holder"]
public struct Keywords: Sendable {
    /// English function words of three letters or more (shorter words are dropped anyway).
    public static let stopWords: [String] = [
        "about", "above", "after", "all", "and", "any", "are", "but", "can", "for", "from", "has", "have",
        "her", "his", "how", "into", "its", "not", "off", "onto", "our", "out", "over", "per", "she", "than",
        "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "too", "under",
        "via", "was", "were", "what", "when", "which", "who", "why", "will", "with", "you", "your",
    ]

    private let stop: Set<String>

    /// `extraStopWords` are case folded.
    public init(extraStopWords: [String] = []) {
        stop = Set(Self.stopWords + extraStopWords.map { $0.lowercased() })
    }

    /// The keywords of `text`, in order of appearance, repeats kept.
    public func words(in text: String) -> [String] {
        var out: [String] = []
        var word: [UInt8] = []
        func flush() {
            defer { word.removeAll(keepingCapacity: true) }
            guard !word.isEmpty else { return }
            let original = String(decoding: word, as: UTF8.self)
            let folded = Self.singular(original)
            guard folded.utf8.count >= 3, !stop.contains(folded), !stop.contains(original) else { return }
            out.append(folded)
        }
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "a") ... UInt8(ascii: "z"): word.append(b)
            case UInt8(ascii: "A") ... UInt8(ascii: "Z"): word.append(b | 0x20)
            default: flush()
            }
        }
        flush()
        return out
    }

    /// Rule 3: the word with its plural folded (lower-case ASCII in, lower-case ASCII out).
    public static func singular(_ w: String) -> String {
        let n = w.utf8.count
        func dropping(_ k: Int, adding suffix: String = "") -> String { String(w.utf8.dropLast(k))! + suffix }
        if n >= 5, w.hasSuffix("ies") { return dropping(3, adding: "y") }
        if w.hasSuffix("sses") { return dropping(2) }
        if w.hasSuffix("xes") || w.hasSuffix("ches") || w.hasSuffix("shes") || w.hasSuffix("zzes") { return dropping(2) }
        if n >= 4, w.hasSuffix("s") {
            let before = w.utf8[w.utf8.index(w.utf8.endIndex, offsetBy: -2)]
            if ![UInt8(ascii: "s"), UInt8(ascii: "u"), UInt8(ascii: "i"), UInt8(ascii: "a")].contains(before) { return dropping(1) }
        }
        return w
    }
}
