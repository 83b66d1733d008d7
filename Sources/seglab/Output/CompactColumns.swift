import SeglabClustering
import SeglabRunner

/// Runs described for a table people read: each field (experiment, feature set, algorithm,
/// every parameter) whose value differs between the rows gets a column of its own; the ones
/// every row shares are stated once below the table, so a compact table loses nothing.
struct CompactColumns {
    /// Names of the columns, in the order the fields first appear (parameters in the order
    /// their algorithm declares them: `k` before `init`).
    var names: [String]
    /// Per row, one cell per name (empty where the run has no such field).
    var cells: [[String]]
    /// Fields with the same value in every row, as `name=value`.
    var shared: [String]

    /// `always`: fields shown as columns even when they do not vary (the `--best-per` one).
    init(_ runs: [(experiment: String, featureSet: String, algorithm: String, paramsJSON: String)], always: [String] = []) {
        let rows = runs.map { run in
            [("experiment", run.experiment), ("feature_set", run.featureSet), ("algorithm", run.algorithm)]
                + Self.parameters(algorithm: run.algorithm, paramsJSON: run.paramsJSON)
        }
        var keys: [String] = []
        for row in rows { for (key, _) in row where !keys.contains(key) { keys.append(key) } }
        func value(_ row: [(String, String)], _ key: String) -> String? { row.first { $0.0 == key }?.1 }
        let varies = keys.filter { key in always.contains(key) || Set(rows.map { value($0, key) }).count > 1 }
        names = varies
        cells = rows.map { row in varies.map { value(row, $0) ?? "" } }
        shared = rows.isEmpty ? [] : keys.filter { !varies.contains($0) }.compactMap { key in value(rows[0], key).map { "\(key)=\($0)" } }
    }

    /// A run's parameters as text (a string without quotes, anything else as canonical JSON),
    /// in the order its algorithm declares them.
    static func parameters(algorithm: String, paramsJSON: String) -> [(String, String)] {
        guard case .object(let members)? = try? JSONParser.parse(Array(paramsJSON.utf8)) else { return [("params", paramsJSON)] }
        let declared = AlgorithmRegistry.named(algorithm)?.parameters.map(\.name) ?? []
        let position = { (key: String) in declared.firstIndex(of: key) ?? declared.count }
        return members.enumerated()
            .sorted { (position($0.element.key), $0.offset) < (position($1.element.key), $1.offset) }
            .map { _, m in
                if case .string(let s) = m.value { return (m.key, s) }
                return (m.key, JSONWriter.canonical(m.value))
            }
    }

    /// What the tables of `leaderboard` and `runs` show, for their help.
    static let help = "The table shows the experiment, feature set, algorithm and each parameter as a column where "
        + "they differ between the rows, and states the others once below it; csv and json have every field and the full params."

    /// The line stating the shared fields, or "" when there are none.
    var sharedNote: String {
        shared.isEmpty ? "" : "same in every row: " + shared.joined(separator: ", ") + "\n"
    }
}
