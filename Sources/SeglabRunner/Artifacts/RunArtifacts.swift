import Foundation
import SeglabClustering
import SeglabData
import SeglabNumerics

/// The bytes of a run's artifacts (SPEC §5). They depend only on the run's configuration and
/// input: no paths, no clock, no thread count.
public struct RunArtifacts: Sendable {
    /// Artifact name (file name) and its bytes, in a fixed order: the four of every run, then
    /// the algorithm's own (`FitArtifact`, e.g. a deep model's `loss.csv`).
    public var files: [(name: String, bytes: [UInt8])]

    /// The artifacts of every run (SPEC §5).
    public static let names = ["labels.csv", "model.json", "profile.csv", "run.json"]
}

enum ArtifactBuilder {
    /// `customer_id,cluster`, one row per customer in table order.
    static func labelsCSV(ids: [String], labels: [Int]) -> [UInt8] {
        var csv = CSVBytes(capacity: ids.count * 12 + 20)
        csv.row(["customer_id", "cluster"])
        for (id, l) in zip(ids, labels) {
            csv.field(id); csv.comma(); csv.int(l); csv.newline()
        }
        return csv.bytes
    }

    /// The resolved configuration: the key's preimage, pretty-printed, with the identity.
    static func runJSON(_ run: PlannedRun) -> [UInt8] {
        let v = JSONValue.object([
            ("id", .string(run.id)), ("key", .string(run.key)), ("run_seed", .int(Int(run.seed))),
            ("config", run.config),
        ])
        return Array(JSONWriter.pretty(v).utf8)
    }

    /// Everything `assign` needs: the source mapping, the fitted feature pipeline and model.
    static func modelJSON<M: FittedClusterModel>(_ run: PlannedRun, table: CustomerTable, pipeline: FittedFeaturePipeline,
                                                 model: M) throws -> [UInt8] {
        var members: [(key: String, value: JSONValue)] = [
            ("format", .int(1)),
            ("run_id", .string(run.id)),
            ("algorithm", .string(run.algorithm.name)),
            ("params", RunIdentity.paramsJSON(run.parameters)),
            ("config", run.config),
            ("pipeline", try encodeJSON(pipeline)),
            ("model", try encodeJSON(model)),
        ]
        if !table.outlierBounds.isEmpty {
            members.append(("outlier_bounds", try encodeJSON(table.outlierBounds)))
        }
        // A tables run with product categories: `assign` puts new customers' products in the same ones.
        if let categories = table.productCategories {
            members.append(("product_categories", try encodeJSON(categories)))
        }
        return Array(JSONWriter.pretty(.object(members)).utf8)
    }

    static func encodeJSON<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try JSONParser.parse([UInt8](try encoder.encode(value)))
    }
}
