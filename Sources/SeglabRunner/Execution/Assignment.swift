import Foundation
import SeglabClustering
import SeglabData
import SeglabNumerics

/// Assigns new customers to the segments of a finished run (SPEC §3 `assign`), through the
/// run's own pipeline: the same source mapping and cleaning, the fitted feature transform
/// stored in `model.json` (no refitting), then the model's `predict`.
///
/// The input has the run's source format: a customers CSV with the same id and feature
/// columns, or an order export with the same column mapping (and `as_of`, if the run had
/// one). A synthetic run takes a customers CSV with a `customer_id` column, and so does an
/// order-export run when given customers already aggregated (a `customer_id` column and the
/// feature columns, as `seglab features --raw` writes them). Outliers are clipped to the
/// bounds computed on the run's customers when the rule was `clip`; no new customer is
/// dropped: every one gets a segment.
///
///     let model = try Assignment.Model(json: bytes, file: "results/q/0123456789ab/model.json")
///     let result = try Assignment.assign(model, input: .file("new_customers.csv"))
///     result.csv   // customer_id,cluster,distance (with the run's segment_name once segmentNames is set)
///
/// A `Model` is parsed once and can assign any number of inputs (`seglab serve` keeps it in
/// memory); an input may be a file or bytes already in memory. A tables run takes an events
/// file with the run's column mapping (`Tables`): the run's joins, aggregates and product
/// categories apply to it.
public enum Assignment {
    /// The id column of a customer table for a run whose source has none of its own.
    public static let customerIDColumn = "customer_id"

    /// A run's `model.json`, parsed and decoded: everything an assignment needs.
    public struct Model: Sendable {
        /// The file it was read from, for messages.
        public let file: String
        /// The algorithm's registry name.
        public let algorithm: String
        let fitted: any FittedClusterModel
        let pipeline: FittedFeaturePipeline
        /// The run's `data` source kind (`customers_csv`, …) and its text options.
        let sourceKind: String
        let sourceOptions: [String: String]
        /// The run's cleaning without its outlier rule (new customers are clipped, never dropped).
        let cleaning: CleaningRules
        /// Bounds new customers are clipped to (empty unless the run's outlier action was `clip`).
        let clipBounds: [OutlierBound]
        /// A tables run's `data.tables` configuration (with its files' SHA-256) and fitted product categories.
        let tablesOptions: JSONValue?
        let productCategories: ProductCategories?

        /// Parses `json`, the bytes of `file`; a file that is not a seglab model is bad input.
        public init(json: [UInt8], file: String) throws {
            let model: JSONValue
            do { model = try JSONParser.parse(json) } catch {
                throw DataError(file: file, "not a seglab model.json (\(error))")
            }
            guard case .string(let name)? = model["algorithm"], let algorithm = AlgorithmRegistry.named(name),
                  let pipelineJSON = model["pipeline"], let fitted = model["model"],
                  case .object(let data)? = model["config"]?["data"], let (kind, options) = data.first,
                  let clean = model["config"]?["clean"] else {
                throw DataError(file: file, "not a seglab model.json (missing algorithm, pipeline, model or config)")
            }
            self.file = file
            self.algorithm = name
            self.fitted = try Assignment.decodeModel(algorithm, fitted, file: file)
            pipeline = try Assignment.decode(FittedFeaturePipeline.self, pipelineJSON, file: file)
            sourceKind = kind
            var text: [String: String] = [:]
            if case .object(let members) = options {
                for m in members { if case .string(let s) = m.value { text[m.key] = s } }
            }
            sourceOptions = text
            tablesOptions = kind == "tables" ? options : nil
            productCategories = try model["product_categories"].map { try Assignment.decode(ProductCategories.self, $0, file: file) }
            var rules = try ExperimentParser.parseClean(JSONNode(value: clean, path: "clean", file: file))
            let clip = rules.outliers?.action == .clip
            rules.outliers = nil
            cleaning = rules
            if clip, let bounds = model["outlier_bounds"] {
                clipBounds = try Assignment.decode([OutlierBound].self, bounds, file: file)
            } else {
                clipBounds = []
            }
        }
    }

    /// The new customers, in the run's source format.
    public enum Input: Sendable {
        /// A CSV file.
        case file(String)
        /// CSV bytes already in memory (a request body); `name` names them in messages.
        case csv([UInt8], name: String)
    }

    /// A tables run's files besides the new events (`seglab assign --customers`, `predict-check`).
    public struct Tables: Sendable {
        /// The ledger's `RunRecipe.tablePaths`: the lookups (and customer table) are read from
        /// there and must still have the SHA-256 the run recorded.
        public var paths: [String: String]
        /// The new customers' rows of the customer table, instead of the run's own.
        public var customers: String?
        /// Keep only new customers' first events (`seglab predict-check`).
        public var firstEvents: FirstEvents?
        public init(paths: [String: String] = [:], customers: String? = nil, firstEvents: FirstEvents? = nil) {
            self.paths = paths; self.customers = customers; self.firstEvents = firstEvents
        }
    }

    public struct Result: Sendable {
        public var ids: [String]
        public var prediction: ClusterPrediction
        /// The run's segment names by cluster (from its `profile.csv`); empty for a run whose
        /// profile predates names.
        public var segmentNames: [Int: String] = [:]
        public var labels: [Int] { prediction.labels }
        /// `customer_id,cluster` as in `labels.csv`, then the segment's name (where the run's
        /// profile has names) and the model's measure of each assignment where it has one
        /// (`distance` to the centre, or `probability`).
        public var csv: [UInt8] {
            let kind = prediction.scoreKind
            if kind == nil && segmentNames.isEmpty { return ArtifactBuilder.labelsCSV(ids: ids, labels: labels) }
            var csv = CSVBytes(capacity: ids.count * 32)
            csv.row(["customer_id", "cluster"] + (segmentNames.isEmpty ? [] : [Profile.nameColumn]) + (kind.map { [$0.rawValue] } ?? []))
            for (i, id) in ids.enumerated() {
                csv.field(id); csv.comma(); csv.int(labels[i])
                if !segmentNames.isEmpty { csv.comma(); csv.field(segmentNames[labels[i]] ?? "") }
                if kind != nil { csv.comma(); csv.real(prediction.scores[i]) }
                csv.newline()
            }
            return csv.bytes
        }
    }

    /// Loads `input` with the run's source mapping and cleaning, transforms it with the fitted
    /// pipeline and predicts with the fitted model. Bad input throws the `DataError` that the
    /// run's own loading would (file or name, row, column).
    public static func assign(_ model: Model, input: Input, tables: Tables = Tables()) throws -> Result {
        let (path, contents): (String, [UInt8]?)
        switch input {
        case .file(let file): (path, contents) = (URL(fileURLWithPath: file).standardizedFileURL.path, nil)
        case .csv(let bytes, let name): (path, contents) = (name, bytes)
        }
        let option = { (key: String) in model.sourceOptions[key] }
        let pipeline = model.pipeline
        let source: DataSource
        var session: TablesSession?
        switch model.sourceKind {
        case "tables" where !isCustomerTable(path, contents, columns: pipeline.columns):
            guard contents == nil else { throw DataError(file: path, "a tables run assigns new customers from an events file") }
            let t = try tablesSource(model, events: path, tables: tables)
            session = TablesSession(t, categories: model.productCategories.map { .apply($0) }, firstEvents: tables.firstEvents,
                                    forAssignment: true)
            source = .tables(t)
        case "transactions_csv" where !isCustomerTable(path, contents, columns: pipeline.columns):
            source = .transactionsCSV(TransactionsCSVSource(
                path: path, customer: option("customer")!, date: option("date")!, quantity: option("quantity")!,
                unitPrice: option("unit_price"), amount: option("amount"), invoice: option("invoice"),
                product: option("product"), asOf: option("as_of"), dateFormat: option("date_format"), contents: contents))
        case "customers_csv":
            source = .customersCSV(CustomersCSVSource(path: path, id: option("id")!, contents: contents))
        default:
            source = .customersCSV(CustomersCSVSource(path: path, id: customerIDColumn, contents: contents))
        }
        var table = try DataLoader.load(source, cleaning: model.cleaning,
                                        usedColumns: Set(pipeline.columns + pipeline.onehot.map(\.column)), tables: session)
        for b in model.clipBounds {
            guard let j = table.numericNames.firstIndex(of: b.column) else { continue }
            for i in 0 ..< table.count { table.numeric[i, j] = min(max(table.numeric[i, j], b.lower), b.upper) }
        }
        let x = try pipeline.transform(table)
        return Result(ids: table.ids, prediction: model.fitted.predict(x))
    }

    /// The run's tables with the new events: lookups from their recorded paths, checked against
    /// the SHA-256 in the run's configuration (the customer table too, unless new customers come
    /// with their own); no truth table.
    private static func tablesSource(_ model: Model, events: String, tables: Tables) throws -> TablesSource {
        let options = model.tablesOptions!
        var paths = tables.paths
        paths["events"] = events
        if let customers = tables.customers { paths["customers"] = URL(fileURLWithPath: customers).standardizedFileURL.path }
        let data = try TablesIdentity.experimentData(.object([("tables", options)]), paths: paths)
        let node = JSONNode(value: data["tables"]!, path: "data.tables", file: model.file)
        var source = try TablesParser.parse(node) { try $0.nonEmptyString() }
        source.truth = nil
        for (table, path) in source.files where table != "events" && (table != "customers" || tables.customers == nil) {
            var recorded: String?
            if case .string(let h)? = (table == "customers" ? options["customers"] : options["lookups"]?[table])?["sha256"] { recorded = h }
            let actual = try ExperimentPlanner.fileHash(path)
            guard actual == recorded else {
                throw DataError(file: path, "has changed since the run was fitted (sha256 \(actual), recorded \(recorded ?? "none")); "
                                + "assign reads the run's own \(table == "customers" ? "customer table (or --customers FILE)" : "lookup tables")")
            }
        }
        return source
    }

    /// Whether the input holds customers rather than order lines: its header has `customer_id`
    /// and every numeric column the pipeline reads (an order export has none of the features).
    private static func isCustomerTable(_ path: String, _ contents: [UInt8]?, columns: [String]) -> Bool {
        guard let header = try? CSVRecords.header(path: path, contents: contents) else { return false }  // the loader reports it
        return header.contains(customerIDColumn) && columns.allSatisfy(header.contains)
    }

    private static func decodeModel<A: ClusteringAlgorithm>(_ type: A.Type, _ json: JSONValue, file: String) throws -> any FittedClusterModel {
        try decode(A.Model.self, json, file: file)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ json: JSONValue, file: String) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(JSONWriter.canonical(json).utf8)) } catch {
            throw DataError(file: file, "cannot read the fitted \(T.self) (\(error))")
        }
    }
}
