import SeglabClustering
import SeglabData
import SeglabNumerics

/// An experiment with its data loaded and cleaned, each feature set's matrix built once and
/// shared by all of that set's runs, and its grid expanded into runs.
public struct PreparedExperiment: Sendable {
    public var experiment: Experiment
    /// SHA-256 of the input file's bytes, or of the synthetic generator's canonical parameters.
    public var datasetSHA256: String
    public var featureSets: [PreparedFeatureSet]
    /// In plan order (feature set × algorithm × axes × replicate), without duplicate keys.
    public var runs: [PlannedRun]

    public func featureSet(for run: PlannedRun) -> PreparedFeatureSet {
        featureSets.first { $0.definition.name == run.featureSet.name }!
    }
}

/// One feature set's customers and the exact matrix the algorithms see.
public struct PreparedFeatureSet: Sendable {
    public var definition: FeatureSetDefinition
    public var resolvedColumns: [String]
    public var table: CustomerTable
    public var pipeline: FittedFeaturePipeline
    public var matrix: Matrix
    /// Known segments as integers (distinct texts numbered in sorted order), if any.
    public var truth: [Int]?
    /// SHA-256 of the matrix as little-endian IEEE-754 doubles, row-major.
    public var matrixSHA256: String
    /// The rows every run of this set takes its silhouette on (ascending), or nil for all rows.
    public var silhouetteRows: [Int]?
    /// The numeric columns shown unscaled (`profile.csv`, `features --raw`): the set's own
    /// columns and every other available one (`FeatureAvailability`), in table order.
    public var unscaledColumns: [String]
}
