/// The optional `segments` block of an experiment file: the experiment's own action rules,
/// tried before the built-in table (`ActionRule.defaults`).
///
///     "segments": {"actions": [{"when": ["lapsed", "high value"], "action": "call them"},
///                              {"when": ["lapsed"], "action": "20% win-back coupon"}]}
///
/// The rules change `profile.csv`, so the block enters the run key (as `"segments"`); a file
/// without it keeps the keys it always had.
public struct SegmentSettings: Sendable, Equatable {
    public var actions: [ActionRule]

    public init(actions: [ActionRule]) { self.actions = actions }

    static func parse(_ node: JSONNode) throws -> SegmentSettings {
        _ = try node.members(allowed: ["actions"])
        let rules = try node.member("actions")?.elements() ?? []
        return SegmentSettings(actions: try rules.map { rule in
            _ = try rule.members(allowed: ["when", "action"])
            let whenNode = try rule.required("when")
            let when = try whenNode.stringList()
            for (i, word) in when.enumerated() where !ActionRule.isKnownWord(word) {
                throw JSONNode(value: .string(word), path: "\(whenNode.path)[\(i)]", file: node.file).fail(
                    "'\(word)' is not a segment trait; use one of: \(SegmentTrait.knownWords.joined(separator: ", ")), "
                        + "\(SegmentNaming.typical), \(SegmentNaming.noise), or \"high <column>\" / \"low <column>\"")
            }
            return ActionRule(when: when, action: try rule.required("action").nonEmptyString())
        })
    }

    /// The block as it enters the run key: rules in file order, each with its words as given.
    var json: JSONValue {
        .object([("actions", .array(actions.map { rule in
            .object([("action", .string(rule.action)), ("when", .array(rule.when.map { .string($0) }))])
        }))])
    }
}
