import SeglabNumerics

/// The one interface every clustering algorithm conforms to, in the manner of
/// scikit-learn's estimators: configuration in, a fitted model and labels out, and
/// randomness only from the generator it is handed.
///
/// Adding an algorithm touches its own file and one line of `AlgorithmRegistry`.
///
///     let kmeans = try KMeans(parameters: KMeans.resolve(["k": .int(5)]))
///     var rng = Xoshiro256StarStar(seed: 42, stream: "fit")
///     let fit = try kmeans.fit(x, rng: &rng, context: .detached())   // fit.labels, fit.model, fit.metrics
public protocol ClusteringAlgorithm: Sendable {
    associatedtype Model: FittedClusterModel

    /// The name used in experiment files and the ledger (`kmeans`).
    static var name: String { get }
    /// One line for `seglab algorithms` and the README.
    static var summary: String { get }
    /// Every parameter with its type, range and default, in one place.
    static var parameters: [ParameterSpec] { get }

    /// Peak memory in bytes a fit on `rows` × `cols` would take beyond the matrix itself, so
    /// the runner can refuse a run that cannot fit in memory before it starts. The default
    /// allows a few n-vectors and an n × k block of distances.
    static func memoryEstimate(rows: Int, cols: Int, parameters: ResolvedParameters) -> Int
    /// What to suggest when a run is refused for its memory estimate (e.g. "use birch or a
    /// smaller sample"), or nil.
    static var memoryAdvice: String? { get }

    init(parameters: ResolvedParameters) throws
    /// Fits on the rows of `x`. Throws `ClusteringError` for a run that fails on its own, and
    /// `FitStopped` when `context` says to stop.
    func fit(_ x: Matrix, rng: inout Xoshiro256StarStar, context: FitContext) throws -> ClusteringFit<Model>
}

extension ClusteringAlgorithm {
    public static func memoryEstimate(rows: Int, cols: Int, parameters: ResolvedParameters) -> Int {
        let k = parameters.optionalInt("k") ?? 8
        return rows * 8 * (4 + cols + k)
    }

    public static var memoryAdvice: String? { nil }
}

/// What a fit returns.
public struct ClusteringFit<Model: FittedClusterModel>: Sendable {
    /// One label per row: 0 ..< k, or -1 for noise.
    public var labels: [Int]
    public var model: Model
    /// Metrics only the algorithm knows (SPEC §4 names, e.g. `log_likelihood`, `bic`),
    /// plus diagnostics such as `n_iter`.
    public var metrics: [String: Double]
    /// The rows in the model's own space (a deep model's latent codes, one row per input row),
    /// where the runner computes the internal metrics again under the suffix `_latent`.
    public var latent: Matrix?
    /// Artifacts beyond the four of every run (e.g. `loss.csv`), written in this order.
    public var artifacts: [FitArtifact]
    /// What the user should know about this fit (e.g. BIRCH found fewer subclusters than
    /// `k`); the runner logs them with the metrics' notes.
    public var notes: [String]

    public init(labels: [Int], model: Model, metrics: [String: Double] = [:], latent: Matrix? = nil,
                artifacts: [FitArtifact] = [], notes: [String] = []) {
        precondition(latent == nil || latent!.rows == labels.count)
        self.labels = labels; self.model = model; self.metrics = metrics; self.latent = latent; self.artifacts = artifacts
        self.notes = notes
    }
}

/// A file a fit adds to its run's artifacts: deterministic bytes, like every artifact.
public struct FitArtifact: Sendable, Equatable {
    /// The file name, e.g. `loss.csv`.
    public var name: String
    public var bytes: [UInt8]
    public init(name: String, bytes: [UInt8]) { self.name = name; self.bytes = bytes }
}

/// A fitted model: stored in `model.json` and used by `assign` for new customers.
public protocol FittedClusterModel: Codable, Sendable {
    /// Labels for new rows, with the same distance formula the fit used, and the model's own
    /// measure of each assignment where it has one.
    func predict(_ x: Matrix) -> ClusterPrediction
}

/// Labels for new rows and, where the model has one, a per-row measure of the assignment.
public struct ClusterPrediction: Sendable, Equatable {
    /// What `score` holds.
    public enum Score: String, Sendable {
        /// Euclidean distance to the assigned centre (K-Means, agglomerative, …).
        case distance
        /// Probability of the assigned component (Gaussian mixtures, DEC's soft assignment).
        case probability
    }

    public var labels: [Int]
    public var scoreKind: Score?
    /// One value per row when `scoreKind` is set; empty otherwise.
    public var scores: [Double]

    public init(labels: [Int], scoreKind: Score? = nil, scores: [Double] = []) {
        precondition(scoreKind == nil ? scores.isEmpty : scores.count == labels.count)
        self.labels = labels; self.scoreKind = scoreKind; self.scores = scores
    }
}

/// A run that fails on its own (SPEC §6), recorded as `failed` with this reason.
public struct ClusteringError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
