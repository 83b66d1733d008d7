import SeglabClustering
import SeglabData

/// A validated experiment file (SPEC §1): everything needed to expand and run its grid.
public struct Experiment: Sendable {
    public var name: String
    public var seed: Int
    public var replicates: Int
    public var data: DataSource
    /// The `data` block as written (resolved paths aside), for the run key.
    public var clean: CleaningRules
    /// In file order; the default is one set named `all`.
    public var featureSets: [FeatureSetDefinition]
    /// In file order.
    public var algorithms: [AlgorithmGrid]
    public var metrics: MetricsSettings
    /// The optional `segments` block (action rules); nil when the file has none, so that the
    /// run keys of such files are unchanged.
    public var segments: SegmentSettings?
    /// Absolute path of the experiment file.
    public var file: String
    /// The file's bytes as text, recorded in the ledger's `experiments.spec_json`.
    public var specText: String
}

/// One algorithm's grid: each parameter's axis of values, in the algorithm's declaration order.
public struct AlgorithmGrid: Sendable {
    public var algorithm: any ClusteringAlgorithm.Type
    public var axes: [(parameter: String, values: [ParamValue])]
    public var name: String { algorithm.name }
}

/// The `metrics` block.
public struct MetricsSettings: Sendable, Equatable {
    /// Silhouette is exact up to this many rows, sampled above (one sample per feature set,
    /// the only scope there is: `"scope": "feature_set"` in the run key).
    public var silhouetteSample: Int
    public init(silhouetteSample: Int = 20_000) { self.silhouetteSample = silhouetteSample }
}
