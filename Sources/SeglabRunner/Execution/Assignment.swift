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
public enum Assignment {
    /// The id column of a customer table for a run whose source has none of its own.
    public static let customerIDColumn = "customer_id"

    public struct Result {
        public var ids: [String]
        public var prediction: ClusterPrediction
        public var labels: [Int] { prediction.labels }
        /// `customer_id,cluster` as in `labels.csv`, then the model's measure of each
        /// assignment where it has one (`distance` to the centre, or `probability`).
        public var csv: [UInt8] {
            guard let kind = prediction.scoreKind else { return ArtifactBuilder.labelsCSV(ids: ids, labels: labels) }
            var out = "customer_id,cluster,\(kind.rawValue)\n"
            for (i, id) in ids.enumerated() {
                out += CSVText.field(id); out += ","; out += String(labels[i]); out += ","
                out += CSVText.real(prediction.scores[i]); out += "\n"
            }
            return Array(out.utf8)
        }
    }

    public static func assign(modelJSON: [UInt8], modelFile: String, input: String) throws -> Result {
        let model: JSONValue
        do { model = try JSONParser.parse(modelJSON) } catch {
            throw DataError(file: modelFile, "not a seglab model.json (\(error))")
        }
        guard case .string(let name)? = model["algorithm"], let algorithm = AlgorithmRegistry.named(name),
              let pipelineJSON = model["pipeline"], let fitted = model["model"],
              case .object(let data)? = model["config"]?["data"], let (kind, options) = data.first,
              let clean = model["config"]?["clean"] else {
            throw DataError(file: modelFile, "not a seglab model.json (missing algorithm, pipeline, model or config)")
        }
        let pipeline = try decode(FittedFeaturePipeline.self, pipelineJSON, file: modelFile)
        let path = URL(fileURLWithPath: input).standardizedFileURL.path
        func option(_ key: String) -> String? {
            if case .string(let s)? = options[key] { return s }
            return nil
        }
        let source: DataSource
        switch kind {
        case "transactions_csv" where !isCustomerTable(path, columns: pipeline.columns):
            source = .transactionsCSV(TransactionsCSVSource(
                path: path, customer: option("customer")!, date: option("date")!, quantity: option("quantity")!,
                unitPrice: option("unit_price"), amount: option("amount"), invoice: option("invoice"),
                product: option("product"), asOf: option("as_of"), dateFormat: option("date_format")))
        case "customers_csv":
            source = .customersCSV(CustomersCSVSource(path: path, id: option("id")!))
        default:
            source = .customersCSV(CustomersCSVSource(path: path, id: customerIDColumn))
        }
        var rules = try ExperimentParser.parseClean(JSONNode(value: clean, path: "clean", file: modelFile))
        let clip = rules.outliers?.action == .clip
        rules.outliers = nil
        var table = try DataLoader.load(source, cleaning: rules, usedColumns: Set(pipeline.columns + pipeline.onehot.map(\.column)))
        if clip, let bounds = model["outlier_bounds"] {
            for b in try decode([OutlierBound].self, bounds, file: modelFile) {
                guard let j = table.numericNames.firstIndex(of: b.column) else { continue }
                for i in 0 ..< table.count { table.numeric[i, j] = min(max(table.numeric[i, j], b.lower), b.upper) }
            }
        }
        let x = try pipeline.transform(table)
        return Result(ids: table.ids, prediction: try predict(algorithm, fitted, x: x, file: modelFile))
    }

    /// Whether `path` holds customers rather than order lines: its header has `customer_id`
    /// and every numeric column the pipeline reads (an order export has none of the features).
    private static func isCustomerTable(_ path: String, columns: [String]) -> Bool {
        guard let header = try? CSVRecords.header(path: path) else { return false }  // the loader reports it
        return header.contains(customerIDColumn) && columns.allSatisfy(header.contains)
    }

    private static func predict<A: ClusteringAlgorithm>(_ type: A.Type, _ json: JSONValue, x: Matrix, file: String) throws -> ClusterPrediction {
        try decode(A.Model.self, json, file: file).predict(x)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ json: JSONValue, file: String) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(JSONWriter.canonical(json).utf8)) } catch {
            throw DataError(file: file, "cannot read the fitted \(T.self) (\(error))")
        }
    }
}
