import SeglabNumerics

/// BIRCH as scikit-learn 1.9's `Birch(threshold, branching_factor, n_clusters=k)`.
///
/// Rows go into a CF-tree one at a time in row order (`CFTree`: the same insertion, merge
/// and split rules, so the same subclusters). With an integer `k`, the subcluster centroids
/// are clustered by Ward agglomerative clustering, each centroid counted once (scikit-learn's
/// `AgglomerativeClustering(n_clusters=k)` on `subcluster_centers_`), clusters numbered by
/// first appearance in subcluster order; with `"k": null` (or fewer subclusters than `k`,
/// which scikit-learn answers with a warning) each subcluster is its own cluster, numbered
/// in subcluster order. Every row then takes the cluster of its **nearest subcluster
/// centroid** (`Birch.predict`), not of the subcluster it was inserted into.
///
/// Neither the tree nor the rows' nearest subclusters depend on `k`, nor the Ward tree of
/// the centroids: they are shared by the runs of one feature set through the `FitCache`
/// (keys `birch.cftree.…` and `birch.ward.…` with the threshold and branching factor), so a
/// grid over `k` builds each once.
public struct Birch: ClusteringAlgorithm {
    public static let name = "birch"
    public static let summary = "BIRCH: a CF-tree of subclusters, then Ward on their centroids, as scikit-learn's Birch"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("k", .int(min: 2, max: 1_000_000_000), default: .value(.int(3)), nullable: true,
                      help: "clusters of the global step (Ward on the subcluster centroids); null: the subclusters themselves"),
        ParameterSpec("threshold", .real(min: 0, max: .infinity, minExclusive: true), default: .value(.real(0.5)),
                      help: "largest radius of a subcluster a row may merge into"),
        ParameterSpec("branching_factor", .int(min: 2, max: 100_000), default: .value(.int(50)),
                      help: "most subclusters in a node of the CF-tree before it is split"),
    ]

    /// Up to one subcluster per row (LS, centroid and its copy in a node, with the k-d tree
    /// over the centroids), and each row's nearest subcluster and distance.
    public static func memoryEstimate(rows: Int, cols: Int, parameters: ResolvedParameters) -> Int {
        rows * 8 * (5 * cols + 12)
    }

    /// nil: no global step.
    public let k: Int?
    public let threshold: Double
    public let branchingFactor: Int

    public init(k: Int? = 3, threshold: Double = 0.5, branchingFactor: Int = 50) {
        precondition((k ?? 1) >= 1 && threshold > 0 && branchingFactor >= 2)
        self.k = k
        self.threshold = threshold
        self.branchingFactor = branchingFactor
    }

    public init(parameters: ResolvedParameters) throws {
        self.init(k: parameters.optionalInt("k"), threshold: parameters.real("threshold"),
                  branchingFactor: parameters.int("branching_factor"))
    }

    /// The subcluster centroids and, for every row, its nearest one.
    struct Subclusters: Sendable {
        var centers: Matrix
        var nearest: [Int]
    }

    public func fit(_ x: Matrix, rng: inout Xoshiro256StarStar, context: FitContext) throws -> ClusteringFit<CentroidModel> {
        guard x.storage.allSatisfy({ $0.isFinite }) else {
            throw ClusteringError("birch: the data contain a non-finite value")
        }
        let setting = "threshold=\(threshold).branching_factor=\(branchingFactor)"
        let sub = try context.cache.value(for: "birch.cftree.\(setting)") { try subclusters(x, context: context) }
        let m = sub.centers.rows
        var notes = [String]()
        let clusterOf: [Int]
        if let k, m >= k {
            let ward = try context.cache.value(for: "birch.ward.\(setting)") {
                try WardLinkage.tree(sub.centers, context: context, stage: "birch-ward")
            }
            clusterOf = ward.labels(clusters: k)
        } else {
            clusterOf = Array(0 ..< m)
            if let k {
                notes.append("birch: \(m) subclusters, fewer than k = \(k): each subcluster is a cluster (as scikit-learn; lower the threshold)")
            }
        }
        let model = CentroidModel(rule: "cluster of the nearest subcluster centroid (scikit-learn's Birch.predict); score = distance to it",
                                  centers: (0 ..< m).map { sub.centers.row($0) }, labels: clusterOf)
        return ClusteringFit(labels: sub.nearest.map { clusterOf[$0] }, model: model,
                             metrics: ["n_subclusters": Double(m)], notes: notes)
    }

    /// Builds the CF-tree in row order and finds each row's nearest subcluster centroid (the
    /// k-d tree search `CentroidModel.predict` uses, so `assign` reproduces the labels).
    func subclusters(_ x: Matrix, context: FitContext) throws -> Subclusters {
        var tree = CFTree(dims: x.cols, threshold: threshold, branching: branchingFactor)
        try x.storage.withUnsafeBufferPointer { xs in
            for i in 0 ..< x.rows {
                if i % 8192 == 0 { try context.checkpoint(stage: "cf-tree", iteration: i, of: x.rows) }
                tree.insert(xs.baseAddress! + i * x.cols)
            }
        }
        let centers = Matrix(rowArrays: tree.subclusterCenters)
        try context.checkStop()
        return Subclusters(centers: centers, nearest: KDTree(centers).nearest(x).rows)
    }
}
