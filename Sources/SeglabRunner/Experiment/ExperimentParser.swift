import Foundation
import SeglabClustering
import SeglabData

/// Reads and validates an experiment file (SPEC §1, §6). Checks here need no data; the checks
/// that do (feature columns, `k` against the number of customers) run in `ExperimentPlanner`
/// before any run starts.
public enum ExperimentParser {
    static let nameCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789_-".unicodeScalars)
    /// The name is a folder under `--results` (a file name is at most 255 bytes).
    public static let maxNameLength = 128
    /// A grid larger than this is refused before anything is expanded (a typo such as a
    /// range to 100000 on two axes would otherwise build 10^10 runs in memory).
    public static let maxRuns = 1_000_000

    /// Parses the file at `path`.
    public static func load(path: String) throws -> Experiment {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        if let problem = InputFile.problem(at: path) {
            throw ExperimentError(file: path, path: "", "cannot read the experiment file: \(problem)")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ExperimentError(file: path, path: "", "cannot read the experiment file: \(Self.reason(error))")
        }
        return try parse(bytes: [UInt8](data), file: path, directory: url.deletingLastPathComponent().path)
    }

    /// Parses experiment JSON; relative data paths are resolved against `directory`.
    public static func parse(bytes: [UInt8], file: String, directory: String) throws -> Experiment {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes) } catch let e as JSONParser.SyntaxError {
            throw ExperimentError(file: file, path: "", e.description)
        }
        let text = String(decoding: bytes, as: UTF8.self)  // the parser checked it is UTF-8
        let root = JSONNode(value: json, path: "", file: file)
        let top = try root.members(allowed: ["name", "seed", "replicates", "data", "clean", "feature_sets", "algorithms", "metrics",
                                                 "segments"])
        _ = top

        let nameNode = try root.required("name")
        let name = try nameNode.nonEmptyString()
        let length = name.unicodeScalars.count
        guard length <= maxNameLength else {
            throw nameNode.fail("the name has \(length) characters; at most \(maxNameLength) are allowed (it names the results folder)")
        }
        guard name.unicodeScalars.allSatisfy({ nameCharacters.contains($0) }) else {
            throw nameNode.fail("'\(excerpt(name))' must match [a-z0-9_-]+")
        }
        let seed = try root.required("seed").int(min: 0)
        let replicates = try root.member("replicates")?.int(min: 1, max: 10_000) ?? 1
        let data = try parseData(root.required("data"), directory: directory)
        let clean = try parseClean(root.member("clean"))
        let featureSets = try parseFeatureSets(root.member("feature_sets"))
        let algorithms = try parseAlgorithms(root.required("algorithms"))
        let metrics = try parseMetrics(root.member("metrics"))
        try checkGridSize(algorithms, featureSets: featureSets.count, replicates: replicates, root.required("algorithms"))
        let segments = try root.member("segments").map(SegmentSettings.parse)
        return Experiment(name: name, seed: seed, replicates: replicates, data: data, clean: clean,
                          featureSets: featureSets, algorithms: algorithms, metrics: metrics, segments: segments,
                          file: file, specText: text)
    }

    static func reason(_ error: Error) -> String {
        if let e = error as? CocoaError, let u = e.userInfo[NSUnderlyingErrorKey] as? NSError,
           u.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(u.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if let e = error as? CocoaError, e.code == .fileReadNoSuchFile { return "No such file or directory" }
        return (error as NSError).localizedDescription
    }

    // MARK: data

    static func parseData(_ node: JSONNode, directory: String) throws -> DataSource {
        let sources = try node.members(allowed: ["synthetic", "customers_csv", "transactions_csv", "tables"])
        guard sources.count == 1, let (kind, s) = sources.first else {
            throw node.fail("must hold exactly one source (synthetic, customers_csv, transactions_csv or tables), found \(sources.count)")
        }
        func path(_ n: JSONNode) throws -> String {
            let p = try n.nonEmptyString()
            return p.hasPrefix("/") ? p : URL(fileURLWithPath: directory).appendingPathComponent(p).standardizedFileURL.path
        }
        switch kind {
        case "synthetic":
            _ = try s.members(allowed: ["customers", "segments", "seed"])
            let customers = try s.required("customers").int(min: 2, max: 100_000_000)
            let segments = try s.required("segments").int(min: 1, max: 1_000)
            if segments > customers { throw try s.required("segments").fail("must not exceed customers (\(customers))") }
            let seed = try s.required("seed").int(min: 0)
            return .synthetic(SyntheticSource(customers: customers, segments: segments, seed: UInt64(seed)))
        case "tables":
            return .tables(try TablesParser.parse(s, path: path))
        case "customers_csv":
            _ = try s.members(allowed: ["path", "id", "truth"])
            return .customersCSV(CustomersCSVSource(path: try path(s.required("path")), id: try s.required("id").nonEmptyString(),
                                                    truth: try s.member("truth")?.nonEmptyString()))
        default:
            _ = try s.members(allowed: ["path", "customer", "invoice", "date", "quantity", "unit_price", "amount",
                                        "product", "as_of", "date_format"])
            let unitPrice = try s.member("unit_price")?.nonEmptyString()
            let amount = try s.member("amount")?.nonEmptyString()
            if (unitPrice == nil) == (amount == nil) {
                throw s.fail("give exactly one of 'unit_price' and 'amount'")
            }
            var asOf: String?
            if let n = s.member("as_of") {
                let text = try n.string()
                guard CalendarDay.parseISODate(text) != nil else { throw n.fail("'\(excerpt(text))' is not a date of the form yyyy-mm-dd") }
                asOf = text
            }
            var dateFormat: String?
            if let n = s.member("date_format") {
                let f = try n.nonEmptyString()
                if let problem = CalendarDay.formatProblem(f) { throw n.fail(problem) }
                dateFormat = f
            }
            return .transactionsCSV(TransactionsCSVSource(
                path: try path(s.required("path")), customer: try s.required("customer").nonEmptyString(),
                date: try s.required("date").nonEmptyString(), quantity: try s.required("quantity").nonEmptyString(),
                unitPrice: unitPrice, amount: amount, invoice: try s.member("invoice")?.nonEmptyString(),
                product: try s.member("product")?.nonEmptyString(), asOf: asOf, dateFormat: dateFormat))
        }
    }

    // MARK: clean

    static func parseClean(_ node: JSONNode?) throws -> CleaningRules {
        var rules = CleaningRules()
        guard let node else { return rules }
        _ = try node.members(allowed: ["missing", "duplicates", "cancellations", "outliers"])
        if let n = node.member("missing") { rules.missing = try n.choice(CleaningRules.Missing.self) }
        if let n = node.member("duplicates") { rules.duplicates = try n.choice(CleaningRules.Duplicates.self) }
        if let n = node.member("cancellations") { rules.cancellations = try n.choice(CleaningRules.Cancellations.self) }
        if let n = node.member("outliers"), n.value != .null {
            _ = try n.members(allowed: ["method", "factor", "limit", "lower", "upper", "action"])
            let methodNode = try n.required("method")
            let method: OutlierRule.Method
            let allowed: [String]
            switch try methodNode.string() {
            case "iqr":
                method = .iqr(factor: try n.member("factor")?.real(min: 0, minExclusive: true) ?? 1.5)
                allowed = ["method", "factor", "action"]
            case "zscore":
                method = .zscore(limit: try n.member("limit")?.real(min: 0, minExclusive: true) ?? 3.0)
                allowed = ["method", "limit", "action"]
            case "quantile":
                let lower = try n.member("lower")?.real(min: 0, max: 1) ?? 0.01
                let upperNode = n.member("upper")
                let upper = try upperNode?.real(min: 0, max: 1) ?? 0.99
                if lower >= upper { throw (upperNode ?? n).fail("'upper' (\(upper)) must be above 'lower' (\(lower))") }
                method = .quantile(lower: lower, upper: upper)
                allowed = ["method", "lower", "upper", "action"]
            case let other:
                throw methodNode.fail("'\(excerpt(other))' is not one of: iqr, zscore, quantile")
            }
            _ = try n.members(allowed: allowed)
            let action = try n.member("action")?.choice(OutlierRule.Action.self) ?? .clip
            rules.outliers = OutlierRule(method: method, action: action)
        }
        return rules
    }

    // MARK: feature sets

    static func parseFeatureSets(_ node: JSONNode?) throws -> [FeatureSetDefinition] {
        guard let node else { return [FeatureSetDefinition(name: "all")] }
        let sets = try node.members()
        if sets.isEmpty { throw node.fail("must define at least one feature set") }
        return try sets.map { name, n in
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ nameCharacters.contains($0) || ("A" ... "Z").contains($0) }) else {
                throw n.fail("feature set name '\(excerpt(name))' must match [A-Za-z0-9_-]+")
            }
            _ = try n.members(allowed: ["columns", "log1p", "onehot", "scale", "pca"])
            let columns = try n.member("columns")?.stringList(nonEmpty: true)
            let log1p = try n.member("log1p")?.stringList() ?? []
            let onehot = try n.member("onehot")?.stringList() ?? []
            if let columns, let logNode = n.member("log1p") {
                for (i, c) in log1p.enumerated() where !columns.contains(c) {
                    throw JSONNode(value: .string(c), path: "\(logNode.path)[\(i)]", file: n.file)
                        .fail("'\(excerpt(c))' is not one of this feature set's columns")
                }
            }
            let scale = try n.member("scale")?.choice(FeatureSetDefinition.Scale.self) ?? .standard
            var pca: FeatureSetDefinition.PCA?
            if let p = n.member("pca"), p.value != .null {
                let ms = try p.members(allowed: ["components", "variance"])
                guard ms.count == 1 else { throw p.fail("give exactly one of 'components' and 'variance'") }
                if let c = p.member("components") { pca = .components(try c.int(min: 1)) }
                if let v = p.member("variance") { pca = .variance(try v.real(min: 0, max: 1, minExclusive: true)) }
            }
            return FeatureSetDefinition(name: name, columns: columns, log1p: log1p, onehot: onehot, scale: scale, pca: pca)
        }
    }

    // MARK: algorithms

    static func parseAlgorithms(_ node: JSONNode) throws -> [AlgorithmGrid] {
        let known = AlgorithmRegistry.all.map { $0.name }
        let entries = try node.members()
        if entries.isEmpty { throw node.fail("must name at least one algorithm (known: \(known.joined(separator: ", ")))") }
        return try entries.map { name, n in
            guard let algorithm = AlgorithmRegistry.named(name) else {
                throw n.fail("unknown algorithm '\(excerpt(name))' (known: \(known.joined(separator: ", ")))")
            }
            _ = try n.members(allowed: algorithm.parameters.map(\.name))
            var axes: [(parameter: String, values: [ParamValue])] = []
            for spec in algorithm.parameters {
                guard let p = n.member(spec.name) else {
                    if case .required = spec.defaultValue { throw n.fail("missing required parameter '\(spec.name)'") }
                    continue
                }
                axes.append((spec.name, try GridAxis.values(of: p, spec: spec)))
            }
            return AlgorithmGrid(algorithm: algorithm, axes: axes)
        }
    }

    /// Feature sets × each algorithm's axes × replicates, at most `maxRuns`.
    static func checkGridSize(_ grids: [AlgorithmGrid], featureSets: Int, replicates: Int, _ node: JSONNode) throws {
        func times(_ a: Int, _ b: Int) -> Int {
            let (p, overflow) = a.multipliedReportingOverflow(by: b)
            return overflow ? .max : p
        }
        var perSet = 0
        for grid in grids {
            let combos = grid.axes.reduce(1) { times($0, $1.values.count) }
            perSet = combos > Int.max - perSet ? .max : perSet + combos
        }
        let runs = times(times(perSet, featureSets), replicates)
        if runs > maxRuns {
            throw node.fail("the grid expands to \(runs == .max ? "more than \(Int.max)" : "\(runs)") runs (feature sets × axes × replicates); "
                            + "at most \(maxRuns) are allowed: split it into several experiments")
        }
    }

    // MARK: metrics

    static func parseMetrics(_ node: JSONNode?) throws -> MetricsSettings {
        var m = MetricsSettings()
        guard let node else { return m }
        _ = try node.members(allowed: ["silhouette"])
        if let s = node.member("silhouette") {
            _ = try s.members(allowed: ["sample", "scope"])
            if let n = s.member("sample") { m.silhouetteSample = try n.int(min: 2, max: 10_000_000) }
            // Written into every run key so that runs scored on a per-run sample by earlier
            // versions are never mixed with these; "feature_set" is the only scope.
            if let scope = s.member("scope"), try scope.string() != "feature_set" {
                throw scope.fail("the only silhouette sample scope is \"feature_set\"")
            }
        }
        return m
    }
}
