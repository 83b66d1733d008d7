import Foundation
import SeglabData

/// What the ledger keeps in `runs.config_json` to recompute a run: the run's configuration
/// (the key's preimage, under `run`), the feature set's name and where the data was read from.
///
/// `rerun` turns it back into a one-run experiment file and sends it through the same parser
/// and planner as any experiment, so a recomputed run cannot take a different code path.
public struct RunRecipe {
    public var config: JSONValue
    public var featureSetName: String
    public var dataPath: String?
    /// A tables source's files, by table name (`events`, `customers`, `truth`, each lookup's).
    public var tablePaths: [String: String]?

    init(run: PlannedRun, experiment: Experiment) {
        config = run.config
        featureSetName = run.featureSet.name
        switch experiment.data {
        case .synthetic: dataPath = nil
        case .customersCSV(let c): dataPath = c.path
        case .transactionsCSV(let t): dataPath = t.path
        case .tables(let t):
            dataPath = nil
            tablePaths = Dictionary(t.files.map { ($0.table, $0.path) }) { first, _ in first }
        }
    }

    public var json: String {
        var m: [(key: String, value: JSONValue)] = [("feature_set_name", .string(featureSetName)), ("run", config)]
        if let dataPath { m.append(("data_path", .string(dataPath))) }
        if let tablePaths { m.append(("table_paths", .object(tablePaths.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))) }
        return JSONWriter.canonical(.object(m))
    }

    public init(json text: String) throws {
        let v = try JSONParser.parse(Array(text.utf8))
        guard let config = v["run"], case .string(let fs)? = v["feature_set_name"] else {
            throw RecipeError("the ledger's config_json has no run configuration")
        }
        self.config = config
        featureSetName = fs
        if case .string(let p)? = v["data_path"] { dataPath = p } else { dataPath = nil }
        if case .object(let paths)? = v["table_paths"] {
            tablePaths = Dictionary(paths.compactMap { key, value in
                if case .string(let p) = value { return (key, p) }
                return nil
            }) { first, _ in first }
        }
    }

    /// A one-run experiment file whose plan contains this run (with the same key, if the data
    /// is unchanged): the replicate count reaches the run's replicate index.
    public func experimentJSON(name: String) throws -> [UInt8] {
        guard case .object(let dataMembers)? = config["data"], let (kind, source) = dataMembers.first,
              case .object(let options) = source,
              case .int(let replicate)? = config["replicate"], let seed = config["seed"],
              let algorithm = config["algorithm"], let clean = config["clean"],
              let featureSet = config["feature_set"], let metrics = config["metrics"] else {
            throw RecipeError("the ledger's run configuration is incomplete")
        }
        var sourceOptions = options.filter { $0.key != "sha256" }
        if let dataPath { sourceOptions.append(("path", .string(dataPath))) }
        let data = kind == "tables" ? try TablesIdentity.experimentData(config["data"]!, paths: tablePaths ?? [:])
                                    : .object([(kind, .object(sourceOptions))])
        var members: [(key: String, value: JSONValue)] = [
            ("name", .string(name)), ("seed", seed), ("replicates", .int(replicate + 1)),
            ("data", data), ("clean", clean),
            ("feature_sets", .object([(featureSetName, featureSet)])), ("algorithms", algorithm),
            ("metrics", metrics),
        ]
        if let segments = config["segments"] { members.append(("segments", segments)) }
        let file = JSONValue.object(members)
        return Array(JSONWriter.canonical(file).utf8)
    }
}

public struct RecipeError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
