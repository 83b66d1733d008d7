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
        guard x.storage.allSatisfy({ $0.isFinite }) else {
            throw ClusteringError("kmeans: the data contain a non-finite value")
        }
        let xNorms = Kernels.rowSquaredNorms(x)
        let variances = Kernels.columnVariances(x)
        let threshold = tol * variances.reduce(0, +) / Double(max(variances.count, 1))

        var best: LloydResult?
        for _ in 0 ..< nInit {
            let initial = initialCenters(x, xNorms: xNorms, rng: &rng)
            let run = try lloyd(x, xNorms: xNorms, centers: initial, threshold: threshold, context: context)
            // As scikit-learn: the first run wins ties, and a run that finds the same partition
            // again (up to renaming) never replaces it on rounding alone.
            if let b = best, !(run.inertia < b.inertia && !Self.sameClustering(run.labels, b.labels, k: k)) { continue }
            best = run
        }
        let b = best!
        let model = KMeansModel(centers: (0 ..< k).map { b.centers.row($0) })
        return ClusteringFit(labels: b.labels, model: model,
                             metrics: ["inertia": b.inertia, "n_iter": Double(b.nIter)])
    }

    /// The centres one restart starts from (k-means++ or k distinct random rows), drawn from `rng`
    /// exactly as `fit` draws them.
    public func initialCenters(_ x: Matrix, rng: inout Xoshiro256StarStar) -> Matrix {
        initialCenters(x, xNorms: Kernels.rowSquaredNorms(x), rng: &rng)
    }

    func initialCenters(_ x: Matrix, xNorms: [Double], rng: inout Xoshiro256StarStar) -> Matrix {
        initialization == .kMeansPlusPlus
            ? kMeansPlusPlus(x, xNorms: xNorms, rng: &rng)
            : x.selectingRows(rng.sampleIndices(k, from: x.rows))
    }

    struct LloydResult {
        var labels: [Int]
        var centers: Matrix
        var inertia: Double
        var nIter: Int
    }

    /// Lloyd iterations from `centers` (scikit-learn's `_kmeans_single_lloyd`).
    func lloyd(_ x: Matrix, xNorms: [Double], centers initial: Matrix, threshold: Double,
               context: FitContext) throws -> LloydResult {
        let n = x.rows
        var centers = initial
        var labels = [Int](repeating: -1, count: n), previous = labels
        var minSqDist = [Double](repeating: 0, count: n)
        var converged = false, nIter = 0
        for iteration in 0 ..< maxIter {
            nIter = iteration + 1
            try context.checkpoint(iteration: nIter, of: maxIter)
            var acc = assignAndSum(x, xNorms: xNorms, centers: centers, labels: &labels, minSqDist: &minSqDist)
            let relocated = relocateEmptyClusters(x, labels: labels, minSqDist: minSqDist, into: &acc)
            let updated = Self.means(acc)
            var shift = 0.0
            for j in 0 ..< updated.storage.count {
                let e = updated.storage[j] - centers.storage[j]
                shift += e * e
            }
            centers = updated
            // Unchanged labels mean the centres are already their means: no final assignment
            // needed, unless a relocation moved a centre in this very iteration.
            if labels == previous && !relocated { converged = true; break }
            if shift <= threshold { break }
            previous = labels
        }
        if !converged {
            (labels, minSqDist) = PackedCenters(centers).nearest(x, xNorms: xNorms)
        }
        let inertia = Kernels.sumSquaredResiduals(x, centers: centers, labels: labels)
        return LloydResult(labels: labels, centers: centers, inertia: inertia, nIter: nIter)
    }

    /// The assignment step fused with the per-cluster sums, over fixed chunks in chunk order.
    private func assignAndSum(_ x: Matrix, xNorms: [Double], centers: Matrix,
                              labels: inout [Int], minSqDist: inout [Double]) -> GroupAccumulator {
        let packed = PackedCenters(centers)
        let k = self.k
        let partial = x.storage.withUnsafeBufferPointer { xs in
            xNorms.withUnsafeBufferPointer { ns in
                labels.withUnsafeMutableBufferPointer { lb in
                    minSqDist.withUnsafeMutableBufferPointer { db in
                        Parallel.mapChunks(count: x.rows, chunkSize: Kernels.rowChunk) { rows -> GroupAccumulator in
                            packed.assign(xs.baseAddress!, xNorms: ns.baseAddress!, rows: rows,
                                          labels: lb.baseAddress!, minSqDist: db.baseAddress!)
                            var acc = GroupAccumulator(groups: k, dims: x.cols)
                            acc.add(x, labels: UnsafePointer(lb.baseAddress!), rows: rows)
                            return acc
                        }
                    }
                }
            }
        }
        var total = GroupAccumulator(groups: k, dims: x.cols)
        for p in partial { total.merge(p) }
        return total
    }

    /// scikit-learn's `_relocate_empty_clusters_dense`: each empty cluster takes the row
    /// farthest from its centre (farthest first, lower row index on ties), moving that row's
    /// contribution out of its old cluster's sum. Labels are left as assigned. Returns whether
    /// anything moved.
    private func relocateEmptyClusters(_ x: Matrix, labels: [Int], minSqDist: [Double],
                                       into acc: inout GroupAccumulator) -> Bool {
        let empty = acc.counts.indices.filter { acc.counts[$0] == 0 }
        guard !empty.isEmpty else { return false }
        let far = minSqDist.indices.sorted {
            minSqDist[$0] > minSqDist[$1] || (minSqDist[$0] == minSqDist[$1] && $0 < $1)
        }
        let d = x.cols
        for (target, row) in zip(empty, far) {
            let source = labels[row]
            for f in 0 ..< d {
                acc.sums[source * d + f] -= x[row, f]
                acc.sums[target * d + f] = x[row, f]
            }
            acc.counts[target] = 1
            acc.counts[source] -= 1
        }
        return true
    }

    /// Sums divided by counts; a cluster left with no rows keeps its (relocation-adjusted)
    /// sum as scikit-learn's `_average_centers` does.
    private static func means(_ acc: GroupAccumulator) -> Matrix {
        var m = Matrix(rows: acc.counts.count, cols: acc.dims, storage: acc.sums)
        for c in 0 ..< m.rows where acc.counts[c] > 0 {
            let alpha = 1 / Double(acc.counts[c])
            for f in 0 ..< m.cols { m[c, f] *= alpha }
        }
        return m
    }

    /// Greedy k-means++ (scikit-learn's `_kmeans_plusplus`): the first centre is a uniform
    /// row; each next one is the best of `2 + ⌊ln k⌋` rows drawn with probability ∝ D²,
    /// "best" meaning the lowest resulting potential (first candidate on ties).
    func kMeansPlusPlus(_ x: Matrix, xNorms: [Double], rng: inout Xoshiro256StarStar) -> Matrix {
        x.selectingRows(kMeansPlusPlusIndices(x, xNorms: xNorms, rng: &rng))
    }

    /// The rows `kMeansPlusPlus` picks, in the order it picks them.
    func kMeansPlusPlusIndices(_ x: Matrix, xNorms: [Double], rng: inout Xoshiro256StarStar) -> [Int] {
        let n = x.rows, d = x.cols
        let trials = 2 + Int(_log(Double(k)))
        var chosen = [rng.nextInt(below: n)]
        var closest = PackedCenters(x.selectingRows(chosen)).nearest(x, xNorms: xNorms).minSqDist
        var potential = Parallel.mapChunks(count: n, chunkSize: Kernels.rowChunk) { rows in
            rows.reduce(0.0) { $0 + closest[$1] }
        }.reduce(0, +)
        var cumulative = [Double](repeating: 0, count: n)
        for _ in 1 ..< k {
            var running = 0.0
            for i in 0 ..< n {
                running += closest[i]
                cumulative[i] = running
            }
            let candidates = (0 ..< trials).map { _ -> Int in
                let target = rng.nextDouble() * potential
                return Self.firstIndex(in: cumulative, reaching: target)
            }
            let packed = PackedCenters(x.selectingRows(candidates))
            let partial = x.storage.withUnsafeBufferPointer { xs in
                closest.withUnsafeBufferPointer { cb in
                    Parallel.mapChunks(count: n, chunkSize: Kernels.rowChunk) { rows -> [Double] in
                        var sums = [Double](repeating: 0, count: trials)
                        var dist = [Double](repeating: 0, count: trials)
                        dist.withUnsafeMutableBufferPointer { db in
                            for i in rows {
                                packed.distances(toRow: xs.baseAddress! + i * d, norm: xNorms[i], into: db.baseAddress!)
                                for t in 0 ..< trials { sums[t] += min(cb[i], db[t]) }
                            }
                        }
                        return sums
                    }
                }
            }
            var pots = [Double](repeating: 0, count: trials)
            for p in partial { for t in 0 ..< trials { pots[t] += p[t] } }
            var bestTrial = 0
            for t in 1 ..< trials where pots[t] < pots[bestTrial] { bestTrial = t }
            chosen.append(candidates[bestTrial])
            potential = pots[bestTrial]
            let toBest = PackedCenters(x.selectingRows([candidates[bestTrial]])).nearest(x, xNorms: xNorms).minSqDist
            for i in 0 ..< n where toBest[i] < closest[i] { closest[i] = toBest[i] }
        }
        return chosen
    }

    /// numpy's `searchsorted(cumulative, target)` (first index whose value is ≥ target),
    /// clipped to the last index.
    static func firstIndex(in cumulative: [Double], reaching target: Double) -> Int {
        var lo = 0, hi = cumulative.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] < target { lo = mid + 1 } else { hi = mid }
        }
        return min(lo, cumulative.count - 1)
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
