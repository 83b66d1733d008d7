import SeglabNumerics

/// The one interface every clustering algorithm conforms to, in the manner of
/// scikit-learn's estimators: configuration in, a fitted model and labels out, and
/// randomness only from the generator it is handed.
///
/// Adding an algorithm touches its own file and one line of `AlgorithmRegistry`.
///
///     let kmeans = try KMeans(parameters: KMeans.resolve(["k": .int(5)]))
///     var rng = Xoshiro256StarStar(seed: 42, stream: "kmeans")
///     let fit = try kmeans.fit(x, rng: &rng)   // fit.labels, fit.model, fit.metrics
public protocol ClusteringAlgorithm: Sendable {
    associatedtype Model: FittedClusterModel

    /// The name used in experiment files and the ledger (`kmeans`).
    static var name: String { get }
    /// Every parameter with its type, range and default, in one place.
    static var parameters: [ParameterSpec] { get }

    init(parameters: ResolvedParameters) throws
    /// Fits on the rows of `x`. Throws `ClusteringError` for a run that fails on its own.
    func fit(_ x: Matrix, rng: inout Xoshiro256StarStar) throws -> ClusteringFit<Model>
}

/// What a fit returns.
public struct ClusteringFit<Model: FittedClusterModel>: Sendable {
    /// One label per row: 0 ..< k, or -1 for noise.
    public var labels: [Int]
    public var model: Model
    /// Metrics only the algorithm knows (SPEC §4 names, e.g. `log_likelihood`, `bic`),
    /// plus diagnostics such as `n_iter`.
    public var metrics: [String: Double]
    public init(labels: [Int], model: Model, metrics: [String: Double] = [:]) {
        self.labels = labels; self.model = model; self.metrics = metrics
    }
}

/// A fitted model: stored in `model.json` and used by `assign` for new customers.
public protocol FittedClusterModel: Codable, Sendable {
    /// Labels for new rows, with the same distance formula the fit used.
    func predict(_ x: Matrix) -> [Int]
}

/// A run that fails on its own (SPEC §6), recorded as `failed` with this reason.
public struct ClusteringError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
