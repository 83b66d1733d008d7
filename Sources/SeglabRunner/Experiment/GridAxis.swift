import SeglabClustering

/// A grid axis (SPEC §1): a JSON array of values, a range `{ "from", "to", "step" }` (step 1 by
/// default; a real range is computed in decimal, see `RealRange`), or a scalar for a fixed
/// value. Values are normalised to the parameter's type.
///
/// A list-valued parameter (`"hidden": [64, 32]`) is one value when it is an array of numbers;
/// its axis is an array of such arrays (`"hidden": [[64, 32], [32, 16]]`).
enum GridAxis {
    static func values(of node: JSONNode, spec: ParameterSpec) throws -> [ParamValue] {
        if case .intList = spec.kind, case .array(let items) = node.value,
           !items.contains(where: { if case .array = $0 { return true } else { return false } }) {
            return [try node.parameter(spec)]
        }
        switch node.value {
        case .array:
            let items = try node.elements()
            if items.isEmpty { throw node.fail("an axis must not be empty") }
            return unique(try items.map { try $0.parameter(spec) })
        case .object:
            return try range(node, spec: spec)
        default:
            return [try node.parameter(spec)]
        }
    }

    private static func unique(_ values: [ParamValue]) -> [ParamValue] {
        var out = [ParamValue]()
        for v in values where !out.contains(v) { out.append(v) }
        return out
    }

    private static func range(_ node: JSONNode, spec: ParameterSpec) throws -> [ParamValue] {
        _ = try node.members(allowed: ["from", "to", "step"])
        let fromNode = try node.required("from"), toNode = try node.required("to")
        switch spec.kind {
        case let .int(min, max):
            let from = try fromNode.int(min: min, max: max), to = try toNode.int(min: min, max: max)
            let step = try node.member("step")?.int(min: 1) ?? 1
            if from > to { throw node.fail("'from' (\(from)) is greater than 'to' (\(to))") }
            if (to - from) / step >= 100_000 { throw node.fail("the range has too many values") }
            return stride(from: from, through: to, by: step).map { .int($0) }
        case let .real(min, max, minExclusive):
            let from = try fromNode.real(min: min, max: max, minExclusive: minExclusive)
            let to = try toNode.real(min: min, max: max, minExclusive: minExclusive)
            let step = try node.member("step")?.real(min: 0, minExclusive: true) ?? 1
            if from > to { throw node.fail("'from' (\(JSONWriter.real(from))) is greater than 'to' (\(JSONWriter.real(to)))") }
            switch RealRange.values(from: from, to: to, step: step, limit: 100_000) {
            case .values(let values): return values.map { .real($0) }
            case .tooManyValues: throw node.fail("the range has too many values")
            case .tooManyDigits:
                throw node.fail("'from', 'to' and 'step' together need more than 18 significant digits; give the values as an array")
            }
        case .choice:
            throw node.fail("'\(spec.name)' takes names, not a range: give an array of values")
        case .intList:
            throw node.fail("'\(spec.name)' takes lists of integers, not a range: give an array of lists")
        }
    }
}
