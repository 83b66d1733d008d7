/// An experiment with the runs it lists and its experiment-level artifacts.
public struct ExperimentDetails: Codable, Sendable, Equatable {
    public var experiment: ExperimentRecord
    /// Ids of the runs it lists, sorted.
    public var runIDs: [String]
    /// Experiment-level artifacts (data report, PCA variance, …), sorted by name.
    public var artifacts: [ArtifactRecord]

    public init(experiment: ExperimentRecord, runIDs: [String], artifacts: [ArtifactRecord]) {
        self.experiment = experiment
        self.runIDs = runIDs
        self.artifacts = artifacts
    }
}
