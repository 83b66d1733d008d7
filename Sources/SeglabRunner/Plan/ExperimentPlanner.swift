import Foundation
import SeglabClustering
import SeglabData
import SeglabMetrics
import SeglabNumerics

/// Turns a parsed experiment into runs: loads and cleans the data, checks what needs the data
/// (feature columns, `k` against the number of customers), builds each feature set's matrix
/// once, and expands the grid. Everything that can be wrong with the input is found here,
/// before any run starts and before the ledger is touched.
public enum ExperimentPlanner {
    /// With `showProgress`, a long read of the data prints its progress on stderr.
    public static func prepare(_ given: Experiment, showProgress: Bool = false) throws -> PreparedExperiment {
        var experiment = given
        if case .tables(let t) = experiment.data { experiment.data = .tables(try TablesIdentity.hashingFiles(t)) }
        do { return try prepareLoaded(experiment, showProgress: showProgress) } catch let e as DeclarationError {
            throw ExperimentError(file: experiment.file, path: e.path, e.message)
        }
    }

    private static func prepareLoaded(_ experiment: Experiment, showProgress: Bool) throws -> PreparedExperiment {
        // Feature sets of sources with fixed features are checked before the (long) read.
        switch experiment.data {
        case .synthetic, .transactionsCSV:
            for def in experiment.featureSets { try checkColumns(def, (CustomerFeatures.names, []), file: experiment.file) }
        case .customersCSV, .tables: break
        }
        // A tables source is read, joined and aggregated once (on its first load), then cleaned
        // per feature set; its session also fits the product categories.
        var session: TablesSession?
        if case .tables(let t) = experiment.data { session = TablesSession(t, categories: .fit(CategoryClusterer.kMeans(seed: experiment.seed))) }
        let data = try DataLoader.read(experiment.data, cleaning: experiment.clean,
                                       progress: showProgress ? ProgressLine.reading(experiment.data) : nil, tables: session)
        let candidates = DataLoader.candidateColumns(data)
        for def in experiment.featureSets { try checkColumns(def, candidates, file: experiment.file) }
        // Cleaning depends on the used columns only through `missing` (customers_csv) and
        // outliers; otherwise every feature set shares one load.
        let dependsOnColumns: Bool
        switch experiment.data {
        case .customersCSV, .tables: dependsOnColumns = true
        default: dependsOnColumns = experiment.clean.outliers != nil
        }
        var tables: [[String]: CustomerTable] = [:]
        func load(_ used: Set<String>?) throws -> CustomerTable {
            let key = dependsOnColumns ? (used.map { $0.sorted() } ?? ["*"]) : []
            if let t = tables[key] { return t }
            let t = try DataLoader.load(data, cleaning: experiment.clean, usedColumns: used)
            tables[key] = t
            return t
        }
        var prepared: [PreparedFeatureSet] = []
        for def in experiment.featureSets {
            var resolved = def
            var leftOut: [LeftOutFeature]?
            if def.columns == nil {
                // Every candidate column that carries information (SPEC §1); the set is then
                // built exactly as if it listed them, as `rerun` rebuilds it from its recipe.
                let availability = FeatureAvailability(try load(nil))
                guard !availability.available.isEmpty else {
                    throw ExperimentError(file: experiment.file, path: "feature_sets.\(def.name)",
                        "no candidate column can be a feature: " + availability.leftOut.map { "\($0.feature) (\($0.reason))" }.joined(separator: "; "))
                }
                resolved.columns = availability.available
                leftOut = availability.leftOut
            }
            var table = try load(Set(resolved.columns! + def.onehot))
            table.report.leftOut = leftOut
            let pipeline: FittedFeaturePipeline, matrix: Matrix
            do { (pipeline, matrix) = try FeaturePipeline.fit(resolved, on: table) } catch let e as DataError {
                // The pipeline names the feature set; the user also needs the file it is in.
                throw ExperimentError(file: experiment.file, path: "feature_sets.\(def.name)",
                                      (e.column.map { "column '\(excerpt($0))': " } ?? "") + e.message)
            }
            let available = Set(FeatureAvailability(table).available + resolved.columns!)
            let hash = matrixHash(matrix)
            prepared.append(PreparedFeatureSet(
                definition: def, resolvedColumns: resolved.columns!, table: table, pipeline: pipeline, matrix: matrix,
                truth: table.truth.map(numberTruth), matrixSHA256: hash,
                silhouetteRows: MetricSuite.silhouetteSample(
                    rows: matrix.rows, size: experiment.metrics.silhouetteSample,
                    seed: UInt64(experiment.seed) ^ UInt64(hash.prefix(16), radix: 16)!),
                unscaledColumns: table.numericNames.filter(available.contains)))
        }
        try checkK(experiment, prepared)
        // The SHA-256 of the very bytes parsed; a tables source's files' SHA-256 with their
        // options; the synthetic generator's own parameters.
        let fingerprint: String
        switch experiment.data {
        case .tables(let t): fingerprint = TablesIdentity.fingerprint(t)
        case .synthetic: fingerprint = RunIdentity.key(of: RunIdentity.dataJSON(experiment.data, fingerprint: ""))
        case .customersCSV, .transactionsCSV: fingerprint = data.fingerprint!
        }
        return PreparedExperiment(experiment: experiment, datasetSHA256: fingerprint, featureSets: prepared,
                                  runs: expand(experiment, prepared, fingerprint: fingerprint))
    }

    /// A feature set's columns must be candidate columns of the data: numeric ones for
    /// `columns`, text ones for `onehot`.
    static func checkColumns(_ def: FeatureSetDefinition, _ candidates: (numeric: [String], categorical: [String]), file: String) throws {
        let path = "feature_sets.\(def.name)"
        if let given = def.columns {
            for (i, c) in given.enumerated() where !candidates.numeric.contains(c) {
                let kind = candidates.categorical.contains(c) ? "'\(excerpt(c))' is a text column (use \"onehot\")" : "unknown column '\(excerpt(c))'"
                throw ExperimentError(file: file, path: "\(path).columns[\(i)]",
                    "\(kind); numeric columns: \(excerptList(candidates.numeric))")
            }
        } else if candidates.numeric.isEmpty {
            throw ExperimentError(file: file, path: path, "the data has no numeric column to use as a feature")
        }
        for (i, c) in def.onehot.enumerated() where !candidates.categorical.contains(c) {
            throw ExperimentError(file: file, path: "\(path).onehot[\(i)]",
                "unknown text column '\(excerpt(c))' (text columns: \(excerptList(candidates.categorical)))")
        }
        let columns = def.columns ?? candidates.numeric
        for (i, c) in def.log1p.enumerated() where !columns.contains(c) {
            throw ExperimentError(file: file, path: "\(path).log1p[\(i)]", "'\(excerpt(c))' is not one of this feature set's columns")
        }
    }

    /// `k` above the number of customers after cleaning is bad input (SPEC §1).
    static func checkK(_ e: Experiment, _ sets: [PreparedFeatureSet]) throws {
        let smallest = sets.map { $0.table.count }.min() ?? 0
        for grid in e.algorithms {
            for axis in grid.axes where axis.parameter == "k" {
                for (i, v) in axis.values.enumerated() {
                    if case .int(let k) = v, k > smallest {
                        throw ExperimentError(file: e.file, path: "algorithms.\(grid.name).k",
                            "k = \(k) (value \(i + 1) of the axis) is above the number of customers after cleaning (\(smallest))")
                    }
                }
            }
        }
    }

    static func numberTruth(_ labels: [String]) -> [Int] {
        let ids = Dictionary(uniqueKeysWithValues: Set(labels).sorted().enumerated().map { ($1, $0) })
        return labels.map { ids[$0]! }
    }

    public static func matrixHash(_ m: Matrix) -> String {
        m.storage.withUnsafeBytes { RunIdentity.sha256Hex($0) }
    }

    /// The SHA-256 of a table file of a tables source (`TablesLoader` reads the files on its
    /// own); the transactions and customers files are hashed as they are parsed (`DataLoader.read`).
    static func fileHash(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, "cannot read the file")
        }
        return RunIdentity.sha256Hex(data)
    }

    /// The cartesian product feature set × algorithm × axes × replicate, in that order.
    static func expand(_ e: Experiment, _ sets: [PreparedFeatureSet], fingerprint: String) -> [PlannedRun] {
        var runs: [PlannedRun] = []
        var seen = Set<String>()
        let data = RunIdentity.dataJSON(e.data, fingerprint: fingerprint)
        let clean = RunIdentity.cleanJSON(e.clean)
        let metrics = RunIdentity.metricsJSON(e.metrics)
        for set in sets {
            let fs = RunIdentity.featureSetJSON(set.definition, resolvedColumns: set.resolvedColumns)
            for grid in e.algorithms {
                for combo in cartesian(grid.axes) {
                    let params = grid.algorithm.resolve(combo)
                    for replicate in 0 ..< e.replicates {
                        var members: [(key: String, value: JSONValue)] = [
                            ("algorithm", .object([(grid.name, RunIdentity.paramsJSON(params))])),
                            ("clean", clean), ("data", data), ("feature_set", fs), ("metrics", metrics),
                            ("replicate", .int(replicate)), ("seed", .int(e.seed)),
                        ]
                        // Only when given: the keys of files without the block stay as they were.
                        if let segments = e.segments { members.append(("segments", segments.json)) }
                        let config = JSONValue.object(members)
                        let key = RunIdentity.key(of: config)
                        guard seen.insert(key).inserted else { continue }
                        runs.append(PlannedRun(id: RunIdentity.id(ofKey: key), key: key, featureSet: set.definition,
                                               algorithm: grid.algorithm, parameters: params, replicate: replicate,
                                               seed: RunIdentity.seed(ofKey: key), config: config,
                                               actions: e.segments?.actions ?? []))
                    }
                }
            }
        }
        return runs
    }

    static func cartesian(_ axes: [(parameter: String, values: [ParamValue])]) -> [[String: ParamValue]] {
        var out: [[String: ParamValue]] = [[:]]
        for axis in axes {
            out = out.flatMap { partial in axis.values.map { v in partial.merging([axis.parameter: v]) { $1 } } }
        }
        return out
    }
}
