import Foundation
import SeglabClustering
import SeglabData
import SeglabLedger

/// Everything known about one run, as `seglab show` prints it and `GET /runs/{id}` returns it:
/// the ledger's row, metrics, clusters and artifacts, the resolved configuration, what loading
/// and cleaning did (`data_report.json`), the segment profile (`profile.csv`), for a deep
/// model its per-epoch losses (`loss.csv`) and, for a tables source with product categories,
/// each category's name, products and spend.
///
///     let doc = try RunDocument(try ledger.run(id: id)!, ledger: ledger)
///     JSONWriter.pretty(doc.json)   // `seglab show ID --format json`
public struct RunDocument {
    public var details: RunDetails
    /// The run's resolved configuration, when its `config_json` parses.
    public var recipe: RunRecipe?
    /// The run's feature-set entry of its experiment's `data_report.json`, if the file is still there.
    public var dataReport: JSONValue?
    /// `profile.csv` as text cells, if the file is still there.
    public var profile: (header: [String], rows: [[String]])?
    /// A deep model's `loss.csv`, if the run wrote one and it is still there.
    public var training: TrainingCurve?
    /// Per product category of the run's experiment (`product_categories.csv`), if it has one.
    public var productCategories: [CategorySummary]?

    /// One category of `product_categories.csv` (0: the uncategorised products).
    public struct CategorySummary: Sendable, Equatable {
        public var category: Int
        public var name: String
        public var products: Int
        public var spend: Double
    }

    /// Reads the run's files beside the ledger's rows; a file gone missing is left out (nil).
    public init(_ details: RunDetails, ledger: Ledger) throws {
        self.details = details
        recipe = try? RunRecipe(json: details.run.configJSON)
        dataReport = try Self.dataReport(ledger, experiment: details.run.experiment, featureSet: details.run.featureSet)
        profile = details.artifact(named: "profile.csv").flatMap { try? CSVRecords.read(path: $0.path) }
        training = details.artifact(named: TrainingCurve.artifactName)
            .flatMap { FileManager.default.contents(atPath: $0.path) }.flatMap { TrainingCurve(csv: [UInt8]($0)) }
        productCategories = try Self.categories(ledger, experiment: details.run.experiment)
    }

    /// The document as JSON: `show --format json` pretty-prints it.
    public var json: JSONValue {
        let d = details, r = d.run
        let profileJSON = profile.map { p -> JSONValue in
            .array(p.rows.map { row -> JSONValue in .object(zip(p.header, row).map { ($0, Self.number($1)) }) })
        }
        func opt(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(r.id)), ("key", .string(r.key)), ("experiment", .string(r.experiment)),
            ("experiments", .array(d.experiments.map { .string($0) })),
            ("feature_set", .string(r.featureSet)), ("algorithm", .string(r.algorithm)),
            ("params", (try? JSONParser.parse(Array(r.paramsJSON.utf8))) ?? .string(r.paramsJSON)),
            ("seed", .int(Int(r.seed))), ("replicate", .int(r.replicate)), ("status", .string(r.status.rawValue)),
            ("error", opt(r.error)), ("started_at", opt(r.startedAt)), ("finished_at", opt(r.finishedAt)),
            ("duration_s", r.durationS.map { .real($0) } ?? .null), ("dataset_sha256", opt(r.datasetSHA256)),
            ("code_version", opt(r.codeVersion)), ("results_dir", opt(r.resultsDir)),
            ("config", recipe?.config ?? .null),
            ("data_report", dataReport ?? .null),
            ("metrics", .object(d.metrics.map { ($0.name, MetricText.json($0.name, $0.value)) })),
            ("clusters", .array(d.clusters.map { .object([("cluster", .int($0.cluster)), ("size", .int($0.size))]) })),
            ("profile", profileJSON ?? .null),
            ("product_categories", productCategories.map { c in .array(c.map { row in
                .object([("category", .int(row.category)), ("name", .string(row.name)), ("products", .int(row.products)),
                         ("spend", .real(row.spend))])
            }) } ?? .null),
            ("artifacts", .array(d.artifacts.map(\.json))),
        ]
        if let training { members.append(("training", Self.json(training))) }
        return .object(members)
    }

    /// Every point of a training curve, as in `loss.csv`.
    static func json(_ curve: TrainingCurve) -> JSONValue {
        .array(curve.points.map { p in
            let loss: JSONValue = p.loss.map { .real($0) } ?? .null
            let change: JSONValue = p.labelChange.map { .real($0) } ?? .null
            return .object([("stage", .string(p.stage)), ("epoch", .int(p.epoch)), ("loss", loss), ("label_change", change)])
        })
    }

    /// A profile cell in JSON: an integer, a number, or text.
    static func number(_ text: String) -> JSONValue {
        if let i = Int(text) { return .int(i) }
        if let v = Double(text), v.isFinite { return .real(v) }
        return .string(text)
    }

    /// The experiment's product categories summed from its `product_categories.csv` (nil when
    /// it has none or the file is gone), by category number.
    public static func categories(_ ledger: Ledger, experiment: String) throws -> [CategorySummary]? {
        guard let e = try ledger.experiment(named: experiment),
              let artifact = e.artifacts.first(where: { $0.name == ProductCategoriesCSV.name }),
              let csv = try? CSVRecords.read(path: artifact.path),
              let c = csv.header.firstIndex(of: "category"), let n = csv.header.firstIndex(of: "name"),
              let s = csv.header.firstIndex(of: "spend") else { return nil }
        var out: [Int: CategorySummary] = [:]
        for row in csv.rows {
            guard let category = Int(row[c]) else { continue }
            out[category, default: CategorySummary(category: category, name: row[n], products: 0, spend: 0)].products += 1
            out[category]!.spend += Double(row[s]) ?? 0
        }
        return out.keys.sorted().map { out[$0]! }
    }

    /// The run's feature-set entry of its experiment's `data_report.json` (rows in and out of
    /// every loading and cleaning step), if the file is still there.
    static func dataReport(_ ledger: Ledger, experiment: String, featureSet: String) throws -> JSONValue? {
        guard let e = try ledger.experiment(named: experiment),
              let artifact = e.artifacts.first(where: { $0.name == "data_report.json" }),
              let bytes = FileManager.default.contents(atPath: artifact.path),
              let report = try? JSONParser.parse([UInt8](bytes)) else { return nil }
        return report["feature_sets"]?[featureSet]
    }
}
