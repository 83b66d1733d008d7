import SeglabClustering
import SeglabData

/// A JSON value with its path in the experiment file, so every type or range error can say
/// exactly where it is.
struct JSONNode {
    let value: JSONValue
    let path: String
    let file: String

    func fail(_ message: String) -> ExperimentError { ExperimentError(file: file, path: path, message) }

    /// The member `key`; a path names a long key by its excerpt (it is for messages).
    func child(_ key: String, _ value: JSONValue) -> JSONNode {
        let shown = excerpt(key)
        return JSONNode(value: value, path: path.isEmpty ? shown : "\(path).\(shown)", file: file)
    }

    /// The members of an object, rejecting keys outside `allowed` (SPEC: unknown keys are errors).
    func members(allowed: [String]? = nil) throws -> [(key: String, node: JSONNode)] {
        guard case .object(let ms) = value else { throw fail("expected an object, found \(value.typeName)") }
        if let allowed {
            for m in ms where !allowed.contains(m.key) {
                throw child(m.key, m.value).fail("unknown key '\(excerpt(m.key))' (expected one of: \(allowed.joined(separator: ", ")))")
            }
        }
        return ms.map { ($0.key, child($0.key, $0.value)) }
    }

    func member(_ key: String) -> JSONNode? {
        value[key].map { child(key, $0) }
    }

    func required(_ key: String) throws -> JSONNode {
        guard let n = member(key) else { throw fail("missing required key '\(key)'") }
        return n
    }

    func elements() throws -> [JSONNode] {
        guard case .array(let items) = value else { throw fail("expected an array, found \(value.typeName)") }
        return items.enumerated().map { JSONNode(value: $1, path: "\(path)[\($0)]", file: file) }
    }

    func string() throws -> String {
        guard case .string(let s) = value else { throw fail("expected a string, found \(value.typeName)") }
        return s
    }

    func nonEmptyString() throws -> String {
        let s = try string()
        if s.isEmpty { throw fail("must not be empty") }
        return s
    }

    func int(min: Int = .min, max: Int = .max) throws -> Int {
        guard case .int(let i) = value else {
            if case .real(let d) = value, d.rounded() == d, abs(d) >= 9.2e18 {
                throw fail("\(d) is out of range (at most \(max))")
            }
            throw fail("expected an integer, found \(value.typeName)")
        }
        if i < min { throw fail("must be at least \(min) (got \(i))") }
        if i > max { throw fail("must be at most \(max) (got \(i))") }
        return i
    }

    func real(min: Double = -.infinity, max: Double = .infinity, minExclusive: Bool = false) throws -> Double {
        let d: Double
        switch value {
        case .int(let i): d = Double(i)
        case .real(let r): d = r
        default: throw fail("expected a number, found \(value.typeName)")
        }
        if minExclusive ? !(d > min) : !(d >= min) {
            throw fail("must be \(minExclusive ? "greater than" : "at least") \(JSONWriter.real(min)) (got \(JSONWriter.real(d)))")
        }
        if d > max { throw fail("must be at most \(JSONWriter.real(max)) (got \(JSONWriter.real(d)))") }
        return d
    }

    func choice<E: RawRepresentable & CaseIterable>(_ type: E.Type) throws -> E where E.RawValue == String {
        let s = try string()
        guard let e = E(rawValue: s) else {
            throw fail("'\(excerpt(s))' is not one of: \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return e
    }

    func stringList(unique: Bool = true, nonEmpty: Bool = false) throws -> [String] {
        let items = try elements()
        if nonEmpty && items.isEmpty { throw fail("must not be empty") }
        var out = [String]()
        for item in items {
            let s = try item.nonEmptyString()
            if unique && out.contains(s) { throw item.fail("'\(excerpt(s))' is listed twice") }
            out.append(s)
        }
        return out
    }

    /// A parameter value checked against its declared kind and normalised to it.
    func parameter(_ spec: ParameterSpec) throws -> ParamValue {
        if case .null = value {
            guard spec.nullable else { throw fail("'\(spec.name)' cannot be null") }
            return .null
        }
        switch spec.kind {
        case let .int(min, max): return .int(try int(min: min, max: max))
        case let .real(min, max, excl): return .real(try real(min: min, max: max, minExclusive: excl))
        case .choice(let options):
            let s = try string()
            guard options.contains(s) else { throw fail("'\(excerpt(s))' is not one of: \(options.joined(separator: ", "))") }
            return .string(s)
        case let .intList(min, max, minCount, maxCount):
            let items = try elements()
            if items.count < minCount || items.count > maxCount {
                throw fail(minCount == maxCount ? "must list \(minCount) integers (got \(items.count))"
                           : "must list \(minCount) to \(maxCount) integers (got \(items.count))")
            }
            return .ints(try items.map { try $0.int(min: min, max: max) })
        }
    }
}
