import SeglabNumerics

/// K-Means with Lloyd iterations, as scikit-learn 1.9's `KMeans(algorithm="lloyd")`: greedy
/// k-means++ or random initialisation, `n_init` restarts keeping the lowest inertia, a
/// stopping tolerance scaled by the mean feature variance, empty clusters relocated to the
/// rows farthest from their centres.
///
/// Every distance is the expanded form of `Kernels`; every sum over rows is taken over fixed
/// chunks combined in chunk order, so a fit is bit-identical on any number of threads.
public struct KMeans: ClusteringAlgorithm {
    public enum Initialization: String, Sendable, CaseIterable {
        case kMeansPlusPlus = "k-means++"
        case random
    }

    public static let name = "kmeans"
    public static let summary = "K-Means, Lloyd iterations as scikit-learn's KMeans"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("k", .int(min: 2, max: 1_000_000), default: .required, help: "number of clusters"),
        ParameterSpec("init", .choice(Initialization.allCases.map(\.rawValue)), default: .value(.string("k-means++")),
                      help: "initial centres: greedy k-means++ or k distinct random rows"),
        ParameterSpec("n_init", .int(min: 1, max: 10_000), default: .derived { resolved in
            resolved["init"] == .string(Initialization.random.rawValue) ? .int(10) : .int(1)
        }, help: "restarts, keeping the lowest inertia", defaultDescription: "1 for k-means++, 10 for random"),
        ParameterSpec("max_iter", .int(min: 1, max: 1_000_000), default: .value(.int(300)),
                      help: "Lloyd iterations per restart"),
        ParameterSpec("tol", .real(min: 0, max: .infinity, minExclusive: false), default: .value(.real(1e-4)),
                      help: "stop when the total squared centre shift ≤ tol × mean feature variance"),
    ]

    public let k: Int
    public let initialization: Initialization
    public let nInit: Int
    public let maxIter: Int
    public let tol: Double

    public init(k: Int, initialization: Initialization = .kMeansPlusPlus, nInit: Int? = nil,
                maxIter: Int = 300, tol: Double = 1e-4) {
        precondition(k >= 1 && maxIter >= 1 && tol >= 0 && (nInit ?? 1) >= 1)
        self.k = k
        self.initialization = initialization
        self.nInit = nInit ?? (initialization == .random ? 10 : 1)
        self.maxIter = maxIter
        self.tol = tol
    }

    public init(parameters: ResolvedParameters) throws {
        guard parameters.values["k"] != nil else { throw ClusteringError("kmeans: parameter k is required") }
        guard let initialization = Initialization(rawValue: parameters.string("init")) else {
            throw ClusteringError("kmeans: unknown init \(parameters.string("init"))")
        }
        self.init(k: parameters.int("k"), initialization: initialization, nInit: parameters.int("n_init"),
                  maxIter: parameters.int("max_iter"), tol: parameters.real("tol"))
    }

    public func fit(_ x: Matrix, rng: inout Xoshiro256StarStar, context: FitContext) throws -> ClusteringFit<KMeansModel> {
        guard x.rows >= k else {
            throw ClusteringError("kmeans: k = \(k) exceeds the number of rows (\(x.rows))")
        }
        // Facts about the feature set's matrix, computed once for all its runs (a fit on another
        // matrix is given a context with its own cache: `FitContext.withOwnCache()`).
        let facts = try context.cache.value(for: "matrix.facts") { MatrixFacts(x) }
        guard facts.allFinite else { throw ClusteringError("kmeans: the data contain a non-finite value") }
        let variances = facts.columnVariances
        let threshold = tol * variances.reduce(0, +) / Double(max(variances.count, 1))

        // Restarts run in batches that share every read of the data (`lloyd(starts:)`); each
        // batch's initial centres are drawn first, in restart order, so the generator's draws
        // are those of one restart after the other.
        var best: LloydResult?
        var started = 0
        while started < nInit {
            let batch = min(nInit - started, Self.fusedRestarts)
            let starts = (0 ..< batch).map { _ in initialCenters(x, rng: &rng) }
            started += batch
            for run in try lloyd(x, facts: facts, starts: starts, threshold: threshold,
                                 context: context) {
                // As scikit-learn: the first run wins ties, and a run that finds the same partition
                // again (up to renaming) never replaces it on rounding alone.
                if let b = best, !(run.inertia < b.inertia && !Self.sameClustering(run.labels, b.labels, k: k)) { continue }
                best = run
            }
        }
        let b = best!
        let model = KMeansModel(centers: (0 ..< k).map { b.centers.row($0) })
        return ClusteringFit(labels: b.labels, model: model,
                             metrics: ["inertia": b.inertia, "n_iter": Double(b.nIter)])
    }

    /// Restarts that share one pass over the data: the rows are read once per iteration for
    /// all of them, which turns a memory-bound fit on a large table into a compute-bound one.
    static let fusedRestarts = 10

    /// Beyond the default: each restart of a batch keeps a label and two bounds per row (12
    /// bytes), its running sums per stretch of rows and, in a deferred iteration, the rows that
    /// changed cluster (16 bytes each, every row at most), and a finished restart its labels and
    /// distances.
    public static func memoryEstimate(rows: Int, cols: Int, parameters: ResolvedParameters) -> Int {
        let k = parameters.optionalInt("k") ?? 8
        let batch = min(parameters.optionalInt("n_init") ?? 1, fusedRestarts)
        let keptPerRow = (8 * k * (cols + 1) + RestartState.stretchRows - 1) / RestartState.stretchRows
        return rows * (8 * (6 + cols + k) + batch * (28 + keptPerRow))
    }

    /// The centres one restart starts from (k-means++ or k distinct random rows), drawn from `rng`
    /// exactly as `fit` draws them.
    public func initialCenters(_ x: Matrix, rng: inout Xoshiro256StarStar) -> Matrix {
        initialization == .kMeansPlusPlus
            ? kMeansPlusPlus(x, rng: &rng)
            : x.selectingRows(rng.sampleIndices(k, from: x.rows))
    }

    /// Whether `a` maps onto `b` by a renaming of cluster ids (scikit-learn's `_is_same_clustering`).
    static func sameClustering(_ a: [Int], _ b: [Int], k: Int) -> Bool {
        var map = [Int](repeating: -1, count: k)
        for (p, q) in zip(a, b) {
            if map[p] == -1 { map[p] = q } else if map[p] != q { return false }
        }
        return true
    }
}
