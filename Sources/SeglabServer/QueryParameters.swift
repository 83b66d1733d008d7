import Hummingbird
import SeglabRunner

/// A request's query parameters, checked against the ones its endpoint takes: an unknown or
/// repeated parameter, or a value of the wrong type, is a 400 naming it (a typo in a filter
/// must not silently widen the answer).
struct QueryParameters {
    private var values: [String: String] = [:]

    init(_ request: Request, allowed: [String]) throws {
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                throw APIError(.badRequest, "unknown query parameter '\(name)'; "
                    + (allowed.isEmpty ? "this endpoint takes none" : "this endpoint takes: \(allowed.joined(separator: ", "))"))
            }
            guard values.updateValue(String(value), forKey: name) == nil else {
                throw APIError(.badRequest, "query parameter '\(name)' is given twice")
            }
        }
    }

    subscript(name: String) -> String? { values[name] }

    func int(_ name: String) throws -> Int? {
        try values[name].map { text in
            guard let v = Int(text) else { throw APIError(.badRequest, "query parameter '\(name)' must be an integer (got '\(text)')") }
            return v
        }
    }

    func double(_ name: String) throws -> Double? {
        try values[name].map { text in
            guard let v = Double(text), v.isFinite else {
                throw APIError(.badRequest, "query parameter '\(name)' must be a number (got '\(text)')")
            }
            return v
        }
    }
}

/// One page of a list: `limit` items from `offset` (query parameters of the same names,
/// default 100 items, at most 1,000), with the total and where the next page starts.
struct Page {
    static let parameters = ["limit", "offset"]
    static let defaultLimit = 100, maxLimit = 1000

    var limit: Int
    var offset: Int

    init(_ query: QueryParameters) throws {
        limit = try query.int("limit") ?? Self.defaultLimit
        offset = try query.int("offset") ?? 0
        guard (1 ... Self.maxLimit).contains(limit) else {
            throw APIError(.badRequest, "query parameter 'limit' must be between 1 and \(Self.maxLimit) (got \(limit))")
        }
        guard offset >= 0 else { throw APIError(.badRequest, "query parameter 'offset' must be 0 or more (got \(offset))") }
    }

    /// `{"items": […], "total": n, "offset": o, "limit": l, "next_offset": o + l or null}`,
    /// then `extra` members.
    func json<T>(_ all: [T], extra: [(key: String, value: JSONValue)] = [], _ item: (T) -> JSONValue) -> JSONValue {
        let end = min(all.count, offset + limit)
        let items = offset < end ? all[offset ..< end].map(item) : []
        return .object([
            ("items", .array(items)), ("total", .int(all.count)), ("offset", .int(offset)), ("limit", .int(limit)),
            ("next_offset", end < all.count ? .int(end) : .null),
        ] + extra)
    }
}
