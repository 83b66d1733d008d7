import GRDB

/// One row of `runs`: a run's identity, resolved configuration and life-cycle state.
///
/// Coding keys are the ledger's column names, so JSON output matches what `sqlite3` shows.
public struct RunRecord: Codable, Sendable, Equatable {
    /// First 12 hex digits of `key`, or more where another key holds those (see `Ledger`).
    public var id: String
    /// SHA-256 (hex) of the run's canonical configuration.
    public var key: String
    /// The first experiment that declared the run.
    public var experiment: String
    public var featureSet: String
    public var algorithm: String
    /// Canonical JSON of the algorithm's parameters, defaults filled in.
    public var paramsJSON: String
    /// The run's derived seed; must be below 2^63 to fit SQLite's INTEGER.
    public var seed: UInt64
    public var replicate: Int
    public var status: RunStatus
    public var error: String?
    public var startedAt: String?
    public var finishedAt: String?
    public var durationS: Double?
    public var datasetSHA256: String?
    public var codeVersion: String?
    /// Canonical JSON of the whole resolved run configuration (what `rerun` recomputes from).
    public var configJSON: String
    /// Folder the run's artifacts were written to.
    public var resultsDir: String?

    /// A run as declared by the planner; the life-cycle fields default to a fresh `pending` run.
    public init(
        id: String, key: String, experiment: String, featureSet: String, algorithm: String,
        paramsJSON: String, seed: UInt64, replicate: Int, configJSON: String,
        status: RunStatus = .pending, error: String? = nil, startedAt: String? = nil,
        finishedAt: String? = nil, durationS: Double? = nil, datasetSHA256: String? = nil,
        codeVersion: String? = nil, resultsDir: String? = nil
    ) {
        self.id = id
        self.key = key
        self.experiment = experiment
        self.featureSet = featureSet
        self.algorithm = algorithm
        self.paramsJSON = paramsJSON
        self.seed = seed
        self.replicate = replicate
        self.configJSON = configJSON
        self.status = status
        self.error = error
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.durationS = durationS
        self.datasetSHA256 = datasetSHA256
        self.codeVersion = codeVersion
        self.resultsDir = resultsDir
    }

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, key, experiment
        case featureSet = "feature_set"
        case algorithm
        case paramsJSON = "params_json"
        case seed, replicate, status, error
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case durationS = "duration_s"
        case datasetSHA256 = "dataset_sha256"
        case codeVersion = "code_version"
        case configJSON = "config_json"
        case resultsDir = "results_dir"
    }
}

extension RunRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "runs"
}
