import SeglabNumerics

/// A deterministic mutation fuzzer's mutator, in the spirit of AFL's "havoc" stage: each case
/// is a seed input from the corpus with 1 (half the time), 2, 4 or 8 stacked random edits. Every choice comes
/// from one xoshiro256** stream, so case N of a given seed is the same bytes on every machine
/// and a failure is reproduced by its case number alone.
///
/// The edits are byte-level (flips, insertions, deletions, duplicated ranges, splices from
/// other seeds, truncation) and token-level: dictionary tokens (quotes, commas, CRLF, a BOM,
/// NUL, `1e400`, `NaN`, invalid UTF-8, runs of brackets…) inserted or written over a span, and
/// a field (the text between two separators such as `,` `:` `[` or a line break) duplicated,
/// emptied or cut short.
struct Mutator {
    private var rng: Xoshiro256StarStar
    private let corpus: [[UInt8]]
    private let dictionary: [[UInt8]]
    /// Inputs are kept below this size (the explicit pathological tests cover huge inputs).
    private let maxSize: Int

    init(seed: UInt64, stream: String, corpus: [[UInt8]], dictionary: [[UInt8]], maxSize: Int = 1 << 16) {
        precondition(!corpus.isEmpty && !dictionary.isEmpty)
        rng = Xoshiro256StarStar(seed: seed, stream: stream)
        self.corpus = corpus
        self.dictionary = dictionary
        self.maxSize = maxSize
    }

    /// The next case: a corpus entry with stacked edits.
    mutating func next() -> [UInt8] {
        var data = corpus[int(corpus.count)]
        // 1 edit half the time, else 2, 4 or 8: single edits keep many inputs valid, so the
        // checks behind the syntax (cleaning, features) are reached too.
        let edits = rng.nextInt(below: 2) == 0 ? 1 : 2 << int(3)
        for _ in 0 ..< edits { mutate(&data) }
        if data.count > maxSize { data.removeSubrange(maxSize...) }
        return data
    }

    private mutating func int(_ n: Int) -> Int { rng.nextInt(below: n) }

    /// A position in `0 ... count` (an insertion point).
    private mutating func gap(_ data: [UInt8]) -> Int { int(data.count + 1) }

    /// A span `start ..< end` of 1 to `longest` bytes inside `data` (data not empty).
    private mutating func span(_ data: [UInt8], longest: Int = 32) -> Range<Int> {
        let start = int(data.count)
        return start ..< start + 1 + int(min(longest, data.count - start))
    }

    private static let separators: Set<UInt8> = Set(",:;[]{}\n\r\"".utf8)
    /// Bytes that make parsers change state, tried more often than chance would.
    private static let interesting: [UInt8] = [0x00, 0x22, 0x2C, 0x0A, 0x0D, 0x5B, 0x5D, 0x7B, 0x7D, 0x3A, 0x5C,
                                               0x7F, 0x80, 0xBF, 0xC0, 0xE2, 0xED, 0xF4, 0xFF, 0x20, 0x2D, 0x2E, 0x65]

    /// The field around `p`: from after the previous separator to before the next one.
    private func field(around p: Int, in data: [UInt8]) -> Range<Int> {
        var lo = min(p, data.count), hi = min(p, data.count)
        while lo > 0, !Self.separators.contains(data[lo - 1]) { lo -= 1 }
        while hi < data.count, !Self.separators.contains(data[hi]) { hi += 1 }
        return lo ..< hi
    }

    private mutating func mutate(_ data: inout [UInt8]) {
        let operation = int(14)
        if data.isEmpty, operation < 11 { data = dictionary[int(dictionary.count)]; return }
        switch operation {
        case 0:  // flip one bit
            data[int(data.count)] ^= 1 << UInt8(int(8))
        case 1:  // a random byte
            data[int(data.count)] = UInt8(truncatingIfNeeded: rng.next())
        case 2:  // an interesting byte
            data[int(data.count)] = Self.interesting[int(Self.interesting.count)]
        case 3:  // insert 1-16 random bytes
            let bytes = (0 ..< 1 + int(16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            data.insert(contentsOf: bytes, at: gap(data))
        case 4:  // delete a span
            data.removeSubrange(span(data))
        case 5:  // duplicate a span somewhere else
            let s = Array(data[span(data, longest: 256)])
            data.insert(contentsOf: s, at: gap(data))
        case 6:  // splice: a span of another seed
            let other = corpus[int(corpus.count)]
            guard !other.isEmpty else { return }
            data.insert(contentsOf: other[span(other, longest: 512)], at: gap(data))
        case 7:  // duplicate a field with the separator after it (an extra cell, a repeated key)
            let f = field(around: int(data.count), in: data)
            let end = min(f.upperBound + 1, data.count)
            data.insert(contentsOf: Array(data[f.lowerBound ..< end]), at: f.lowerBound)
        case 8:  // empty a field
            data.removeSubrange(field(around: int(data.count), in: data))
        case 9:  // cut a field short
            let f = field(around: int(data.count), in: data)
            if f.count > 1 { data.removeSubrange(f.lowerBound + 1 + int(f.count - 1) ..< f.upperBound) }
        case 10:  // write a token over a span (a number becomes 1e400, a key becomes NaN…)
            data.replaceSubrange(span(data, longest: 12), with: dictionary[int(dictionary.count)])
        case 11:  // insert a token
            data.insert(contentsOf: dictionary[int(dictionary.count)], at: gap(data))
        case 12:  // a token repeated 2-2048 times (deep brackets, long digit runs, many commas)
            let token = dictionary[int(dictionary.count)]
            let times = 2 << int(11)
            data.insert(contentsOf: Array([[UInt8]](repeating: token, count: times).joined()), at: gap(data))
        default:  // truncate (a file cut short)
            data.removeSubrange(gap(data)...)
        }
    }
}
