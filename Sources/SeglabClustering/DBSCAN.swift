import SeglabNumerics

/// DBSCAN as scikit-learn 1.9's `DBSCAN(metric="euclidean")`, with the same labels, cluster
/// ids included.
///
/// A row's neighbourhood is every row at distance ≤ `eps`, itself included; a row is a core
/// point when its neighbourhood has at least `min_samples` rows. scikit-learn visits rows in
/// index order, starts a cluster at each unlabelled core point and expands it completely
/// before moving on. Its outcome depends on no visiting order, so it is computed here
/// without one: clusters are the connected components of the core points (core points
/// within `eps` of each other), numbered in order of their lowest-index core point; a
/// non-core row within `eps` of a core point gets the lowest-numbered cluster among those
/// core points (the first expansion to reach it); every other row is noise, -1.
///
/// Neighbourhoods come from a k-d tree, with distances differenced directly
/// (`Kernels.differencedSquaredDistance`, compared with eps²) as scikit-learn's tree does,
/// so `d ≤ eps` is decided as it decides it. Three passes, each parallel over rows: core
/// flags (counting stops at `min_samples`), components (a union–find per chunk of rows,
/// joined at the end: a partition does not depend on the order of unions), border rows.
public struct DBSCAN: ClusteringAlgorithm {
    public static let name = "dbscan"
    public static let summary = "DBSCAN: density-connected clusters and noise (-1), as scikit-learn's DBSCAN"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("eps", .real(min: 0, max: .infinity, minExclusive: true), default: .required,
                      help: "neighbourhood radius (Euclidean distance in the feature space)"),
        ParameterSpec("min_samples", .int(min: 1, max: 1_000_000_000), default: .value(.int(5)),
                      help: "rows within eps (the row itself included) that make a row a core point"),
    ]

    /// The k-d tree (coordinates, order, nodes), core flags, labels, one union–find per
    /// chunk, and the neighbour buffers.
    public static func memoryEstimate(rows: Int, cols: Int, parameters: ResolvedParameters) -> Int {
        rows * (8 * cols + 8 + 1 + 8 + 4 * componentChunks + 4 * 2)
    }

    /// Union–find chunks of pass 2: each holds one `Int32` per row.
    static let componentChunks = 16

    public let eps: Double
    public let minSamples: Int

    public init(eps: Double, minSamples: Int = 5) {
        precondition(eps > 0 && minSamples >= 1)
        self.eps = eps
        self.minSamples = minSamples
    }

    public init(parameters: ResolvedParameters) throws {
        guard parameters.values["eps"] != nil else { throw ClusteringError("dbscan: parameter eps is required") }
        self.init(eps: parameters.real("eps"), minSamples: parameters.int("min_samples"))
    }

    public func fit(_ x: Matrix, rng: inout Xoshiro256StarStar, context: FitContext) throws -> ClusteringFit<DBSCANModel> {
        guard x.storage.allSatisfy({ $0.isFinite }) else {
            throw ClusteringError("dbscan: the data contain a non-finite value")
        }
        let n = x.rows, d = x.cols, r2 = eps * eps
        let tree = KDTree(x)

        // 1. Core points.
        var isCore = [Bool](repeating: false, count: n)
        try x.storage.withUnsafeBufferPointer { xs in
            try isCore.withUnsafeMutableBufferPointer { core in
                try Self.inRounds(n, context: context) { rows in
                    Parallel.forEachChunk(count: rows.count, chunkSize: 512) { chunk in
                        for i in chunk.lowerBound + rows.lowerBound ..< chunk.upperBound + rows.lowerBound {
                            core[i] = tree.count(within: r2, of: xs.baseAddress! + i * d, limit: minSamples) >= minSamples
                        }
                    }
                }
            }
        }

        // 2. Components of the core points: chunk c of every round unions into its own sets.
        var sets = [DisjointSets](repeating: DisjointSets(count: n), count: Self.componentChunks)
        try x.storage.withUnsafeBufferPointer { xs in
            try sets.withUnsafeMutableBufferPointer { setsBuffer in
                try Self.inRounds(n, context: context) { rows in
                    let chunk = (rows.count + Self.componentChunks - 1) / Self.componentChunks
                    Parallel.forEachChunk(count: rows.count, chunkSize: max(chunk, 1)) { part in
                        let own = setsBuffer.baseAddress! + part.lowerBound / max(chunk, 1)
                        var near = [Int32]()
                        for i in part.lowerBound + rows.lowerBound ..< part.upperBound + rows.lowerBound where isCore[i] {
                            near.removeAll(keepingCapacity: true)
                            tree.rows(within: r2, of: xs.baseAddress! + i * d, into: &near)
                            for j in near where Int(j) > i && isCore[Int(j)] { own.pointee.union(i, Int(j)) }
                        }
                    }
                }
            }
        }
        var components = sets.removeFirst()
        for c in sets.indices { components.absorb(&sets[c]) }
        sets = []

        // Clusters in order of their lowest-index core point.
        var labels = [Int](repeating: -1, count: n)
        var clusterOfRoot = [Int](repeating: -1, count: n), clusters = 0
        for i in 0 ..< n where isCore[i] {
            let root = components.find(i)
            if clusterOfRoot[root] < 0 {
                clusterOfRoot[root] = clusters
                clusters += 1
            }
            labels[i] = clusterOfRoot[root]
        }

        // 3. Border rows: the lowest-numbered cluster among the core points within eps.
        try x.storage.withUnsafeBufferPointer { xs in
            try labels.withUnsafeMutableBufferPointer { lb in
                try Self.inRounds(n, context: context) { rows in
                    Parallel.forEachChunk(count: rows.count, chunkSize: 512) { chunk in
                        var near = [Int32]()
                        for i in chunk.lowerBound + rows.lowerBound ..< chunk.upperBound + rows.lowerBound where !isCore[i] {
                            near.removeAll(keepingCapacity: true)
                            tree.rows(within: r2, of: xs.baseAddress! + i * d, into: &near)
                            var cluster = Int.max
                            for j in near where isCore[Int(j)] { cluster = min(cluster, lb[Int(j)]) }
                            if cluster != .max { lb[i] = cluster }
                        }
                    }
                }
            }
        }

        let coreRows = (0 ..< n).filter { isCore[$0] }
        let model = DBSCANModel(eps: eps, corePoints: coreRows.map { x.row($0) }, coreLabels: coreRows.map { labels[$0] })
        return ClusteringFit(labels: labels, model: model)
    }

    /// Runs `body` over consecutive blocks of rows, checking between blocks whether to stop.
    private static func inRounds(_ n: Int, context: FitContext, _ body: (Range<Int>) -> Void) throws {
        for lower in stride(from: 0, to: n, by: 32_768) {
            try context.checkStop()
            body(lower ..< min(lower + 32_768, n))
        }
    }
}
