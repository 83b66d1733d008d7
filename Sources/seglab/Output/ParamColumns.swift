import SeglabRunner

/// Runs' parameters laid out for a table: each parameter whose value differs between the
/// rows gets a column of its own; the ones every row shares are stated once, so a compact
/// table loses nothing.
struct ParamColumns {
    /// Names of the columns, `first` ones leading, then in canonical (sorted) key order.
    var names: [String]
    /// Per row, one cell per name (empty where the run has no such parameter).
    var cells: [[String]]
    /// Parameters with the same value in every row, as `name=value`.
    var shared: [String]

    /// `paramsJSON`: one canonical JSON object per row. `first`: parameters always shown as
    /// columns (the `--best-per` one), even when they do not vary.
    init(paramsJSON: [String], first: [String] = []) {
        let rows: [[(key: String, value: JSONValue)]] = paramsJSON.map { text in
            guard case .object(let members)? = try? JSONParser.parse(Array(text.utf8)) else { return [] }
            return members
        }
        var keys = first
        for row in rows { for m in row where !keys.contains(m.key) { keys.append(m.key) } }
        func cell(_ row: [(key: String, value: JSONValue)], _ key: String) -> String? {
            row.first { $0.key == key }.map { Self.text($0.value) }
        }
        let varies = keys.filter { key in first.contains(key) || Set(rows.map { cell($0, key) }).count > 1 }
        names = varies
        cells = rows.map { row in varies.map { cell(row, $0) ?? "" } }
        shared = rows.isEmpty ? [] : keys.filter { !varies.contains($0) }.compactMap { key in
            cell(rows[0], key).map { "\(key)=\($0)" }
        }
    }

    /// A value as people read it: a string without quotes, anything else as canonical JSON.
    static func text(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        return JSONWriter.canonical(v)
    }

    /// The line stating the shared parameters, or "" when there are none.
    var sharedNote: String {
        shared.isEmpty ? "" : "same in every row: " + shared.joined(separator: ", ") + "\n"
    }
}
