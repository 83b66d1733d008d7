/// What `seglab algorithms` prints about a parameter: its type, range and default in words,
/// from the declaration itself, so the listing can never disagree with what the parser accepts.
extension ParameterSpec {
    /// `int`, `real`, `choice` or `int list`.
    public var typeName: String {
        switch kind {
        case .int: return "int"
        case .real: return "real"
        case .choice: return "choice"
        case .intList: return "int list"
        }
    }

    /// The accepted values: an interval (`[2, 1000000]`, `(0, ∞)`), the choices separated by
    /// `|`, or a list's length and item range.
    public var rangeDescription: String {
        switch kind {
        case .int(let lo, let hi):
            return "[\(lo), \(hi)]"
        case .real(let lo, let hi, let exclusive):
            return (exclusive ? "(" : "[") + Self.number(lo) + ", " + (hi.isFinite ? Self.number(hi) + "]" : "∞)")
        case .choice(let options):
            return options.joined(separator: " | ")
        case .intList(let lo, let hi, let minCount, let maxCount):
            return "\(minCount)–\(maxCount) items in [\(lo), \(hi)]"
        }
    }

    /// Whether an experiment must give this parameter.
    public var isRequired: Bool {
        if case .required = defaultValue { return true }
        return false
    }

    /// The default as one value, when it is one (nil when required or derived from others).
    public var fixedDefault: ParamValue? {
        if case .value(let v) = defaultValue { return v }
        return nil
    }

    /// The default for people: `required`, the value, or the rule (`defaultDescription`).
    public var defaultText: String {
        if let defaultDescription { return defaultDescription }
        switch defaultValue {
        case .required: return "required"
        case .value(let v): return Self.text(v)
        case .derived: return "derived from the other parameters"
        }
    }

    static func text(_ v: ParamValue) -> String {
        switch v {
        case .int(let i): return String(i)
        case .real(let d): return number(d)
        case .string(let s): return s
        case .ints(let list): return "[" + list.map(String.init).joined(separator: ", ") + "]"
        case .null: return "null"
        }
    }

    /// A real as written in an experiment file: integral values without a fraction.
    static func number(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : d.description
    }
}
