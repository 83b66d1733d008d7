import SeglabNumerics

/// Mini-batch K-Means, as scikit-learn 1.9's `MiniBatchKMeans`: centres seeded on random
/// subsets (`init_size` rows; the best of `n_init` by inertia on a fixed validation subset),
/// then moved by batches of `batch_size` rows drawn with replacement, each centre a running
/// mean of the rows it has taken; centres with few rows are re-seeded from the batch; early
/// stop when the smoothed batch inertia stops improving; final labels from a full pass.
///
/// Random draws, all from the run's generator, in scikit-learn's order: the validation
/// subset, then per restart its `init_size` rows (uniform, with replacement) and the
/// initialisation's own draws, then per step the batch (uniform, with replacement) and, when
/// centres are re-seeded, which batch rows seed them (distinct, uniform). Distances are the
/// K-Means kernels' (`PackedCenters`); the steps run in order on one thread (a batch is too
/// small to split), the validation and final passes over fixed chunks.
public struct MiniBatchKMeans: ClusteringAlgorithm {
    public typealias Model = KMeansModel

    public static let name = "minibatch_kmeans"
    public static let summary = "Mini-batch K-Means as scikit-learn's MiniBatchKMeans, for very many customers"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("k", .int(min: 2, max: 1_000_000), default: .required, help: "number of clusters"),
        ParameterSpec("init", .choice(KMeans.Initialization.allCases.map(\.rawValue)), default: .value(.string("k-means++")),
                      help: "initial centres, on an init_size subset: greedy k-means++ or k distinct random rows"),
        ParameterSpec("n_init", .int(min: 1, max: 10_000), default: .derived { resolved in
            resolved["init"] == .string(KMeans.Initialization.random.rawValue) ? .int(3) : .int(1)
        }, help: "initialisations tried, keeping the lowest inertia on a validation subset",
           defaultDescription: "1 for k-means++, 3 for random (scikit-learn's \"auto\")"),
        ParameterSpec("batch_size", .int(min: 1, max: 100_000_000), default: .value(.int(1024)),
                      help: "rows per mini-batch, drawn with replacement"),
        ParameterSpec("max_iter", .int(min: 1, max: 1_000_000), default: .value(.int(100)),
                      help: "passes over the data (max_iter × rows / batch_size steps) before stopping"),
        ParameterSpec("init_size", .int(min: 1, max: 100_000_000), default: .value(.null), nullable: true,
                      help: "rows of the random subset each initialisation sees",
                      defaultDescription: "null: 3 × batch_size (at least 3 × k), at most the number of rows"),
        ParameterSpec("reassignment_ratio", .real(min: 0, max: .infinity, minExclusive: false), default: .value(.real(0.01)),
                      help: "centres with fewer rows than this share of the largest count are re-seeded from the batch"),
        ParameterSpec("max_no_improvement", .int(min: 0, max: 1_000_000), default: .value(.int(10)), nullable: true,
                      help: "stop after this many steps without a lower smoothed inertia (null: never)"),
        ParameterSpec("tol", .real(min: 0, max: .infinity, minExclusive: false), default: .value(.real(0)),
                      help: "stop when the squared centre change ≤ tol × mean feature variance (0: off)"),
    ]

    public let k: Int
    public let initialization: KMeans.Initialization
    public let nInit: Int
    public let batchSize: Int
    public let maxIter: Int
    public let initSize: Int?
    public let reassignmentRatio: Double
    public let maxNoImprovement: Int?
    public let tol: Double

    public init(k: Int, initialization: KMeans.Initialization = .kMeansPlusPlus, nInit: Int? = nil, batchSize: Int = 1024,
                maxIter: Int = 100, initSize: Int? = nil, reassignmentRatio: Double = 0.01, maxNoImprovement: Int? = 10,
                tol: Double = 0) {
        precondition(k >= 1 && batchSize >= 1 && maxIter >= 1 && (nInit ?? 1) >= 1 && (initSize ?? 1) >= 1
                     && reassignmentRatio >= 0 && (maxNoImprovement ?? 0) >= 0 && tol >= 0)
        self.k = k
        self.initialization = initialization
        self.nInit = nInit ?? (initialization == .random ? 3 : 1)
        self.batchSize = batchSize
        self.maxIter = maxIter
        self.initSize = initSize
        self.reassignmentRatio = reassignmentRatio
        self.maxNoImprovement = maxNoImprovement
        self.tol = tol
    }

    public init(parameters p: ResolvedParameters) throws {
        guard p.values["k"] != nil else { throw ClusteringError("minibatch_kmeans: parameter k is required") }
        guard let initialization = KMeans.Initialization(rawValue: p.string("init")) else {
            throw ClusteringError("minibatch_kmeans: unknown init \(p.string("init"))")
        }
        self.init(k: p.int("k"), initialization: initialization, nInit: p.int("n_init"), batchSize: p.int("batch_size"),
                  maxIter: p.int("max_iter"), initSize: p.optionalInt("init_size"),
                  reassignmentRatio: p.real("reassignment_ratio"), maxNoImprovement: p.optionalInt("max_no_improvement"),
                  tol: p.real("tol"))
    }

    public func fit(_ x: Matrix, rng: inout Xoshiro256StarStar, context: FitContext) throws -> ClusteringFit<KMeansModel> {
        guard x.rows >= k else {
            throw ClusteringError("minibatch_kmeans: k = \(k) exceeds the number of rows (\(x.rows))")
        }
        guard x.storage.allSatisfy({ $0.isFinite }) else {
            throw ClusteringError("minibatch_kmeans: the data contain a non-finite value")
        }
        let n = x.rows
        let batch = min(batchSize, n)
        // scikit-learn's `_check_params_vs_input`.
        var subset = initSize ?? 3 * batch
        if subset < k { subset = 3 * k }
        subset = min(subset, n)
        let variances = tol > 0 ? Kernels.columnVariances(x) : []
        let threshold = tol > 0 ? tol * variances.reduce(0, +) / Double(variances.count) : 0
        let xNorms = Kernels.rowSquaredNorms(x)

        let validation = x.selectingRows((0 ..< subset).map { _ in rng.nextInt(below: n) })
        var best: (centers: Matrix, inertia: Double)?
        for _ in 0 ..< nInit {
            try context.checkpoint(stage: "init", iteration: 1, of: 1)
            let centers = seedCenters(x, subset: subset, rng: &rng)
            let labels = Kernels.nearestCenters(validation, centers: centers).labels
            let inertia = Kernels.sumSquaredResiduals(validation, centers: centers, labels: labels)
            if best == nil || inertia < best!.inertia { best = (centers, inertia) }
        }

        var state = MiniBatchState(centers: best!.centers, batchSize: batch)
        var convergence = MiniBatchConvergence(batchSize: batch, rows: n, tol: threshold, maxNoImprovement: maxNoImprovement)
        let steps = maxIter * n / batch
        var stepsTaken = 0
        for step in 0 ..< steps {
            try context.checkpoint(stage: "minibatch", iteration: step + 1, of: steps)
            stepsTaken = step + 1
            state.drawBatch(from: x, norms: xNorms, rng: &rng)
            let reseed = state.reseedDue(k: k)
            let (inertia, squaredShift) = state.step(reseed: reseed ? reassignmentRatio : 0, measureShift: threshold > 0, rng: &rng)
            if convergence.shouldStop(step: step, batchInertia: inertia, centersSquaredDiff: squaredShift) { break }
        }

        let centers = state.centers
        let labels = PackedCenters(centers).nearest(x, xNorms: xNorms).labels
        let inertia = Kernels.sumSquaredResiduals(x, centers: centers, labels: labels)
        // scikit-learn's n_iter_: passes over the data, ⌈steps × batch / n⌉.
        let passes = (stepsTaken * batch + n - 1) / n
        return ClusteringFit(labels: labels, model: KMeansModel(centers: (0 ..< k).map { centers.row($0) }),
                             metrics: ["inertia": inertia, "n_iter": Double(passes)])
    }

    /// One initialisation (scikit-learn's `_init_centroids` with `init_size`): on `subset`
    /// rows drawn with replacement (all rows when `subset` is n), k-means++ or k distinct rows.
    func seedCenters(_ x: Matrix, subset: Int, rng: inout Xoshiro256StarStar) -> Matrix {
        var sample = x
        if subset < x.rows {
            sample = x.selectingRows((0 ..< subset).map { _ in rng.nextInt(below: x.rows) })
        }
        switch initialization {
        case .kMeansPlusPlus: return KMeans(k: k).kMeansPlusPlus(sample, rng: &rng)
        case .random: return sample.selectingRows(rng.sampleIndices(k, from: sample.rows))
        }
    }
}

/// The centres, their accumulated row counts and the current batch of a mini-batch fit.
struct MiniBatchState {
    /// k × d.
    private(set) var centers: Matrix
    /// Rows each centre has taken so far (scikit-learn's `_counts`, as doubles).
    private(set) var counts: [Double]
    /// The current batch (batch_size × d) and its rows' squared norms.
    var batch: Matrix
    var batchNorms: [Double]
    private var labels: [Int]
    private var minSqDist: [Double]
    private var sinceReseed = 0

    init(centers: Matrix, batchSize: Int) {
        self.centers = centers
        counts = [Double](repeating: 0, count: centers.rows)
        batch = Matrix(rows: batchSize, cols: centers.cols)
        batchNorms = [Double](repeating: 0, count: batchSize)
        labels = [Int](repeating: 0, count: batchSize)
        minSqDist = [Double](repeating: 0, count: batchSize)
    }

    /// Replaces the batch with rows drawn uniformly with replacement (`choice(n, batch_size)`).
    mutating func drawBatch(from x: Matrix, norms: [Double], rng: inout Xoshiro256StarStar) {
        let d = x.cols, n = x.rows
        x.storage.withUnsafeBufferPointer { xs in
            batch.storage.withUnsafeMutableBufferPointer { bs in
                for j in 0 ..< batchNorms.count {
                    let row = rng.nextInt(below: n)
                    for f in 0 ..< d { bs[j * d + f] = xs[row * d + f] }
                    batchNorms[j] = norms[row]
                }
            }
        }
    }

    /// scikit-learn's `_random_reassign`: re-seeding is due when a centre has no row yet or
    /// when 10 k rows have been seen since the last time.
    mutating func reseedDue(k: Int) -> Bool {
        sinceReseed += batch.rows
        guard counts.contains(0) || sinceReseed >= 10 * k else { return false }
        sinceReseed = 0
        return true
    }

    /// scikit-learn's `_mini_batch_step` on the current batch: assigns it, moves each centre
    /// to the mean of all rows it has taken, then (when `reseed` > 0) re-seeds the centres
    /// whose count is below `reseed` × the largest count. Returns the batch's inertia against
    /// the centres before the move, and the squared centre shift when asked.
    mutating func step(reseed ratio: Double, measureShift: Bool, rng: inout Xoshiro256StarStar) -> (inertia: Double, squaredShift: Double) {
        let k = centers.rows, d = centers.cols, m = batch.rows
        let old = centers
        batch.storage.withUnsafeBufferPointer { bs in
            batchNorms.withUnsafeBufferPointer { ns in
                labels.withUnsafeMutableBufferPointer { lb in
                    minSqDist.withUnsafeMutableBufferPointer { db in
                        PackedCenters(old).assign(bs.baseAddress!, xNorms: ns.baseAddress!, rows: 0 ..< m,
                                                  labels: lb.baseAddress!, minSqDist: db.baseAddress!)
                    }
                }
            }
        }
        let inertia = Kernels.sumSquaredResiduals(batch, centers: old, labels: labels)

        // `_minibatch_update_dense`: a centre with rows in this batch becomes
        // (old × count + Σ its batch rows, in batch order) / (count + rows).
        var taken = [Double](repeating: 0, count: k)
        for l in labels { taken[l] += 1 }
        for c in 0 ..< k where taken[c] > 0 {
            for f in 0 ..< d { centers[c, f] = old[c, f] * counts[c] }
        }
        for j in 0 ..< m {
            let c = labels[j]
            for f in 0 ..< d { centers[c, f] += batch[j, f] }
        }
        for c in 0 ..< k where taken[c] > 0 {
            counts[c] += taken[c]
            let alpha = 1 / counts[c]
            for f in 0 ..< d { centers[c, f] *= alpha }
        }

        if ratio > 0 {
            let largest = counts.max()!
            var reseeded = (0 ..< k).filter { counts[$0] < ratio * largest }
            // At most half a batch of centres: those with the smallest counts (lower index on ties).
            let limit = Int(0.5 * Double(m))
            if reseeded.count > limit {
                let keep = Set((0 ..< k).sorted { (counts[$0], $0) < (counts[$1], $1) }.prefix(limit))
                reseeded = reseeded.filter { keep.contains($0) }
            }
            if !reseeded.isEmpty {
                let seeds = rng.sampleIndices(reseeded.count, from: m)
                for (c, row) in zip(reseeded, seeds) {
                    for f in 0 ..< d { centers[c, f] = batch[row, f] }
                }
                // Not reset to zero, or they would be re-seeded again at once (scikit-learn's rule).
                let floor = (0 ..< k).filter { !reseeded.contains($0) }.map { counts[$0] }.min()!
                for c in reseeded { counts[c] = floor }
            }
        }

        var shift = 0.0
        if measureShift {
            for j in 0 ..< centers.storage.count {
                let e = centers.storage[j] - old.storage[j]
                shift += e * e
            }
        }
        return (inertia, shift)
    }
}

/// scikit-learn's `_mini_batch_convergence`: the early-stopping rule of a mini-batch fit,
/// fed one batch inertia per step.
///
/// The batch inertia is divided by the batch size and smoothed by an exponentially weighted
/// average with α = min(2 · batch_size / (n + 1), 1), starting from the second step (the
/// first batch's inertia reflects the initialisation). The fit stops when the squared centre
/// shift is ≤ `tol` (when `tol` > 0), or after `maxNoImprovement` consecutive steps whose
/// smoothed inertia is not below the lowest so far.
struct MiniBatchConvergence {
    let batchSize: Int
    let rows: Int
    let tol: Double
    let maxNoImprovement: Int?
    private(set) var ewaInertia: Double?
    private(set) var ewaInertiaMin: Double?
    private(set) var noImprovement = 0

    init(batchSize: Int, rows: Int, tol: Double, maxNoImprovement: Int?) {
        self.batchSize = batchSize; self.rows = rows; self.tol = tol; self.maxNoImprovement = maxNoImprovement
    }

    /// Whether to stop after step `step` (0-based).
    mutating func shouldStop(step: Int, batchInertia: Double, centersSquaredDiff: Double) -> Bool {
        let inertia = batchInertia / Double(batchSize)
        if step == 0 { return false }
        if let ewa = ewaInertia {
            let alpha = min(Double(batchSize) * 2.0 / Double(rows + 1), 1)
            ewaInertia = ewa * (1 - alpha) + inertia * alpha
        } else {
            ewaInertia = inertia
        }
        if tol > 0 && centersSquaredDiff <= tol { return true }
        if let low = ewaInertiaMin, !(ewaInertia! < low) {
            noImprovement += 1
        } else {
            noImprovement = 0
            ewaInertiaMin = ewaInertia
        }
        if let limit = maxNoImprovement, noImprovement >= limit { return true }
        return false
    }
}
