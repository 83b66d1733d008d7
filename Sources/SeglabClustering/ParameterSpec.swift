/// A parameter value after normalisation to its declared type.
public enum ParamValue: Hashable, Sendable {
    case int(Int)
    case real(Double)
    case string(String)
    /// A list of integers, e.g. an autoencoder's hidden layer widths `[64, 32]`.
    case ints([Int])
    /// An explicit JSON `null`, for parameters that declare it (e.g. BIRCH's `"k": null`).
    case null
}

/// One algorithm parameter: name, type and range, default.
public struct ParameterSpec: Sendable {
    public enum Kind: Sendable {
        case int(min: Int, max: Int)
        /// `minExclusive`: the value must be strictly above `min`.
        case real(min: Double, max: Double, minExclusive: Bool)
        case choice([String])
        /// A JSON array of integers, each in `min ... max`, with `minCount ... maxCount` items.
        /// In a grid, an array of such arrays is an axis.
        case intList(min: Int, max: Int, minCount: Int, maxCount: Int)
    }
    public enum Default: Sendable {
        case required
        case value(ParamValue)
        /// Computed from the other (already resolved) parameters, e.g. K-Means' `n_init`.
        case derived(@Sendable ([String: ParamValue]) -> ParamValue)
    }

    public var name: String
    public var kind: Kind
    public var defaultValue: Default
    /// Whether JSON `null` is a value of this parameter (its meaning is in `help`).
    public var nullable: Bool
    public var help: String
    /// The default in words, for defaults that cannot be printed as one value (`.derived`, or a
    /// `null` that stands for a rule), as `seglab algorithms` shows it.
    public var defaultDescription: String?

    public init(_ name: String, _ kind: Kind, default defaultValue: Default, nullable: Bool = false, help: String,
                defaultDescription: String? = nil) {
        self.name = name; self.kind = kind; self.defaultValue = defaultValue; self.nullable = nullable; self.help = help
        self.defaultDescription = defaultDescription
    }
}

/// A complete, typed parameter set: every parameter of the algorithm, defaults filled in.
public struct ResolvedParameters: Sendable, Equatable {
    public private(set) var values: [String: ParamValue]
    public init(_ values: [String: ParamValue]) { self.values = values }

    public func int(_ name: String) -> Int {
        guard case .int(let v)? = values[name] else { preconditionFailure("parameter \(name) is not an int") }
        return v
    }
    /// An integer parameter that may be `null`.
    public func optionalInt(_ name: String) -> Int? {
        switch values[name] {
        case .int(let v)?: return v
        case .null?, nil: return nil
        default: preconditionFailure("parameter \(name) is not an int")
        }
    }
    public func real(_ name: String) -> Double {
        switch values[name] {
        case .real(let v)?: return v
        case .int(let v)?: return Double(v)
        default: preconditionFailure("parameter \(name) is not a real")
        }
    }
    public func string(_ name: String) -> String {
        guard case .string(let v)? = values[name] else { preconditionFailure("parameter \(name) is not a string") }
        return v
    }
    public func ints(_ name: String) -> [Int] {
        guard case .ints(let v)? = values[name] else { preconditionFailure("parameter \(name) is not a list of integers") }
        return v
    }
}

extension ClusteringAlgorithm {
    /// Fills in defaults for the parameters not given, in declaration order, so a derived
    /// default sees everything declared before it. Values are assumed already type-checked.
    public static func resolve(_ given: [String: ParamValue]) -> ResolvedParameters {
        var out = [String: ParamValue]()
        for spec in parameters {
            if let v = given[spec.name] {
                out[spec.name] = v
            } else {
                switch spec.defaultValue {
                case .required: break
                case .value(let v): out[spec.name] = v
                case .derived(let f): out[spec.name] = f(out.merging(given) { a, _ in a })
                }
            }
        }
        return ResolvedParameters(out)
    }
}
