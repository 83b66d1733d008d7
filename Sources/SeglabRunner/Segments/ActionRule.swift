/// A suggested action for segments with given traits: the rule applies to a segment that has
/// every trait word in `when` among its strong traits (all of them, not only the three of its
/// name). "typical" and "noise" are words too, for segments without a strong trait and for the
/// noise cluster. An empty `when` applies to every segment.
///
/// A segment takes the action of the first rule that applies: an experiment's own rules
/// (`"segments": {"actions": [{"when": ["lapsed"], "action": "…"}]}`) are tried first, in
/// file order, then `defaults`, whose last rule applies to every segment.
public struct ActionRule: Sendable, Equatable {
    public var when: [String]
    public var action: String

    public init(when: [String], action: String) {
        self.when = when
        self.action = action
    }

    /// The built-in table, in the order it is tried.
    public static let defaults: [ActionRule] = [
        ActionRule(when: [SegmentNaming.noise], action: "review individually: these customers fit no segment"),
        ActionRule(when: ["high value", "lapsed"], action: "personal win-back: call or write before they are lost"),
        ActionRule(when: ["lapsed"], action: "win-back offer: a time-limited coupon"),
        ActionRule(when: ["high value"], action: "loyalty perk: VIP tier, early access"),
        ActionRule(when: ["frequent returns"], action: "review returns: sizing and quality guidance, no discounts"),
        ActionRule(when: ["new"], action: "welcome series: a coupon on the second order"),
        ActionRule(when: ["single order"], action: "second-order coupon"),
        ActionRule(when: ["frequent"], action: "loyalty points and cross-sell recommendations"),
        ActionRule(when: ["big baskets"], action: "upsell: premium bundles"),
        ActionRule(when: ["low spend"], action: "low-cost nudges: newsletter and bundle offers"),
        ActionRule(when: [], action: "regular newsletter"),
    ]

    /// Whether the rule applies to a segment with these words.
    func applies(to words: Set<String>) -> Bool { when.allSatisfy(words.contains) }

    /// The action for a segment whose strong traits (or "typical", or "noise") are `words`.
    static func action(for words: Set<String>, rules: [ActionRule]) -> String {
        (rules + defaults).first { $0.applies(to: words) }!.action
    }

    /// Whether `word` can appear in a rule's `when`.
    static func isKnownWord(_ word: String) -> Bool {
        word == SegmentNaming.noise || word == SegmentNaming.typical || SegmentTrait.isWord(word)
    }
}
