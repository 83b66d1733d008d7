/// One thing that sets a segment apart from the whole customer base: a feature whose segment
/// mean lies well above or below the base's mean, in words ("lapsed", "high value", or
/// "high <feature>" for a column without words of its own).
///
/// The words key on the customer features of SPEC §5; every other column gets the generic
/// "high <column>" / "low <column>":
///
/// | feature | above the base | below the base |
/// | --- | --- | --- |
/// | `recency_days` | lapsed | recent |
/// | `frequency` | frequent | infrequent ("single order" when the segment's median is 1 order or fewer) |
/// | `monetary` | high value | low spend |
/// | `tenure_days` | long-standing | new |
/// | `avg_basket` | big baskets | small baskets |
/// | `distinct_products` | broad range | narrow range |
/// | `return_rate` | frequent returns | rare returns |
/// | `days_between_orders` | long gaps | short gaps (not for a segment whose median is 1 order or fewer) |
public struct SegmentTrait: Sendable, Equatable {
    /// The profile column the trait comes from.
    public var column: String
    /// The segment's mean is above the base's.
    public var high: Bool
    /// |z|: how many standard deviations of the base the segment's mean is from the base's.
    public var strength: Double
    public var word: String

    /// A trait of at least this strength names a segment and chooses its action.
    public static let strong = 0.5
    /// Weaker traits, down to this strength, only tell apart two segments that would share a name.
    public static let weak = 0.1

    static let vocabulary: [String: (high: String, low: String)] = [
        "recency_days": ("lapsed", "recent"),
        "frequency": ("frequent", "infrequent"),
        "monetary": ("high value", "low spend"),
        "tenure_days": ("long-standing", "new"),
        "avg_basket": ("big baskets", "small baskets"),
        "distinct_products": ("broad range", "narrow range"),
        "return_rate": ("frequent returns", "rare returns"),
        "days_between_orders": ("long gaps", "short gaps"),
    ]
    /// A segment of single-order customers: its median frequency is at most this.
    static let singleOrder = "single order"

    /// The word for `column` above (`high`) or below the base; `median` is the segment's
    /// median of the column.
    static func word(column: String, high: Bool, median: Double) -> String {
        if column == "frequency" && !high && median <= 1 { return singleOrder }
        guard let words = vocabulary[column] else { return (high ? "high " : "low ") + column }
        return high ? words.high : words.low
    }

    /// The words of the vocabulary, sorted (for messages).
    static let knownWords: [String] = (vocabulary.values.flatMap { [$0.high, $0.low] } + [singleOrder]).sorted()

    /// Whether `word` is a trait word some profile could have: a word of the vocabulary, or
    /// "high …" / "low …" naming a column.
    static func isWord(_ word: String) -> Bool {
        if knownWords.contains(word) { return true }
        for prefix in ["high ", "low "] where word.hasPrefix(prefix) && word.count > prefix.count { return true }
        return false
    }

    /// A segment's traits of at least `weak` strength, strongest first (ties in column order).
    /// A segment of single-order customers has no "short gaps": their gap is 0 by definition
    /// (SPEC §5), not short.
    static func traits(columns: [String], zScores: [Double], medians: [Double]) -> [SegmentTrait] {
        let singleOrder = columns.firstIndex(of: "frequency").map { medians[$0] <= 1 } ?? false
        let all = columns.indices.compactMap { j -> SegmentTrait? in
            let z = zScores[j]
            guard z.isFinite, z.magnitude >= weak else { return nil }
            if singleOrder && columns[j] == "days_between_orders" && z < 0 { return nil }
            return SegmentTrait(column: columns[j], high: z > 0, strength: z.magnitude,
                                word: word(column: columns[j], high: z > 0, median: medians[j]))
        }
        return all.enumerated().sorted { a, b in
            a.element.strength != b.element.strength ? a.element.strength > b.element.strength : a.offset < b.offset
        }.map(\.element)
    }
}
