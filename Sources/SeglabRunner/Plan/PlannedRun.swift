import SeglabClustering
import SeglabData

/// One run of a grid, fully resolved: what to compute and its identity (SPEC §2).
public struct PlannedRun: Sendable {
    /// First 12 hex digits of `key` as planned; the ledger's id once registered (longer when
    /// another key already holds those digits, see `Ledger`).
    public var id: String
    /// SHA-256 (hex) of the canonical JSON of `config`.
    public var key: String
    /// The feature set as declared (its name is a label, not part of the key).
    public var featureSet: FeatureSetDefinition
    public var algorithm: any ClusteringAlgorithm.Type
    public var parameters: ResolvedParameters
    public var replicate: Int
    /// The run's seed: the first 8 bytes of the key, big-endian, shifted right by one bit
    /// (so it fits SQLite's signed INTEGER). Every stream of the run derives from it.
    public var seed: UInt64
    /// Everything the results depend on, the preimage of `key`.
    public var config: JSONValue
    /// The experiment's own action rules for `profile.csv` (in `config` as `segments`).
    public var actions: [ActionRule] = []

    public var paramsJSON: String { JSONWriter.canonical(RunIdentity.paramsJSON(parameters)) }
}
