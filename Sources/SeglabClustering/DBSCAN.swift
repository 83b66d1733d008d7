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
/// flags (counting stops at `min_samples`), components (a union–find per lane of leaves,
/// joined at the end: a partition does not depend on the order of unions), border rows.
/// Components are found between leaves of the tree rather than row by row, skipping what
/// is already joined, which keeps dense data (thousands of neighbours per row) at seconds.
public struct DBSCAN: ClusteringAlgorithm {
    public static let name = "dbscan"
    public static let summary = "DBSCAN: density-connected clusters and noise (-1), as scikit-learn's DBSCAN"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("eps", .real(min: 0, max: .infinity, minExclusive: true), default: .required,
                      help: "neighbourhood radius (Euclidean distance in the feature space)"),
        ParameterSpec("min_samples", .int(min: 1, max: 1_000_000_000), default: .value(.int(5)),
                      help: "rows within eps (the row itself included) that make a row a core point"),
    ]

    /// The k-d tree (a copy of the data), core flags, labels, each leaf's core rows, one
    /// union–find per lane, and the model's copy of the core points.
    public static func memoryEstimate(rows: Int, cols: Int, parameters: ResolvedParameters) -> Int {
        rows * (16 * cols + 100 + 4 * componentLanes)
    }

    /// Lanes of pass 2, each with a union–find of one `Int32` per row. The components do not
    /// depend on how the work is shared, only the time does.
    static let componentLanes = 4

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

        // 2. Components of the core points, leaf by leaf of the tree: for each pair of leaves
        // whose boxes come within eps, each core point of one joins the core points of the
        // other within eps. A pair whose core points are already all in one set is skipped,
        // and a pair entirely within eps is joined without a distance: in dense data most
        // pairs are one or the other. Nodes at most eps across are joined up front.
        let nodes = tree.nodeCount
        var leaves = [Int](), coreRows = [Int](), coreStart = [Int](repeating: 0, count: nodes + 1)
        for node in 0 ..< nodes {
            if tree.children(of: node) == nil {
                leaves.append(node)
                for r in tree.rows(of: node) where isCore[Int(r)] { coreRows.append(Int(r)) }
            }
            coreStart[node + 1] = coreRows.count
        }
        let components = DisjointSets(count: n)
        var pending = [0]
        while let node = pending.popLast() {
            if tree.squaredDiameter(node) <= r2 {
                let members = tree.rows(of: node).map(Int.init).filter { isCore[$0] }
                for r in members.dropFirst() { components.union(members[0], r) }
            } else if let (a, b) = tree.children(of: node) {
                pending += [a, b]
            }
        }
        // Each lane takes a contiguous run of leaves (neighbours in space, so its own sets see
        // most of the unions its skips rely on) with its own sets, seeded with the above.
        let lanes = Self.componentLanes, perLane = max((leaves.count + lanes - 1) / lanes, 1)
        let sets = (0 ..< lanes).map { _ in DisjointSets(copying: components) }
        try x.storage.withUnsafeBufferPointer { xs in
            try coreRows.withUnsafeBufferPointer { cr in
                try coreStart.withUnsafeBufferPointer { cs in
                    try Self.inRounds(perLane, by: 64, context: context) { round in
                        Parallel.forEachChunk(count: lanes, chunkSize: 1) { lane in
                            let own = sets[lane.lowerBound], first = lane.lowerBound * perLane
                            for index in first + round.lowerBound ..< min(first + round.upperBound, leaves.count) {
                                let a = leaves[index]
                                let coresA = UnsafeBufferPointer(rebasing: cr[cs[a] ..< cs[a + 1]])
                                guard !coresA.isEmpty else { continue }
                                tree.leaves(near: a, within: r2) { b, whole in
                                    guard b >= a, cs[b] < cs[b + 1] else { return }
                                    Self.join(coresA, UnsafeBufferPointer(rebasing: cr[cs[b] ..< cs[b + 1]]),
                                              same: a == b, whole: whole, r2: r2, x: xs.baseAddress!, dims: d, into: own)
                                }
                            }
                        }
                    }
                }
            }
        }
        for lane in sets { components.absorb(lane) }

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

        // 3. Border rows: the lowest-numbered cluster among the core points within eps (for a
        // node entirely within eps, the lowest among its core points, computed once per node).
        var lowestCluster = [Int](repeating: .max, count: nodes)
        for node in stride(from: nodes - 1, through: 0, by: -1) {
            if let (a, b) = tree.children(of: node) {
                lowestCluster[node] = min(lowestCluster[a], lowestCluster[b])
            } else {
                for r in tree.rows(of: node) where isCore[Int(r)] { lowestCluster[node] = min(lowestCluster[node], labels[Int(r)]) }
            }
        }
        try x.storage.withUnsafeBufferPointer { xs in
            try labels.withUnsafeMutableBufferPointer { lb in
                try Self.inRounds(n, context: context) { rows in
                    Parallel.forEachChunk(count: rows.count, chunkSize: 512) { chunk in
                        for i in chunk.lowerBound + rows.lowerBound ..< chunk.upperBound + rows.lowerBound where !isCore[i] {
                            var cluster = Int.max
                            tree.visit(within: r2, of: xs.baseAddress! + i * d, whole: { cluster = min(cluster, lowestCluster[$0]) },
                                       row: { j in if isCore[j] { cluster = min(cluster, lb[j]) } })
                            if cluster != .max { lb[i] = cluster }
                        }
                    }
                }
            }
        }

        let core = (0 ..< n).filter { isCore[$0] }
        let model = DBSCANModel(eps: eps, corePoints: core.map { x.row($0) }, coreLabels: core.map { labels[$0] })
        return ClusteringFit(labels: labels, model: model)
    }

    /// Joins the core rows `a` of one leaf to the core rows `b` of another (or of the same
    /// leaf, `same`) that are within eps of them.
    private static func join(_ a: UnsafeBufferPointer<Int>, _ b: UnsafeBufferPointer<Int>, same: Bool, whole: Bool,
                             r2: Double, x: UnsafePointer<Double>, dims: Int, into sets: DisjointSets) {
        if whole {
            for r in a { sets.union(a[0], r) }
            for r in b { sets.union(a[0], r) }
            return
        }
        let root = sets.find(a[0])
        if a.allSatisfy({ sets.find($0) == root }) && b.allSatisfy({ sets.find($0) == root }) { return }
        for ia in a.indices {
            let i = a[ia]
            var ri = sets.find(i)
            for jb in (same ? ia + 1 : 0) ..< b.count {
                let j = b[jb]
                if sets.find(j) == ri { continue }
                if Kernels.differencedSquaredDistance(x + i * dims, x + j * dims, count: dims) <= r2 {
                    sets.union(i, j)
                    ri = sets.find(i)
                }
            }
        }
    }

    /// Runs `body` over consecutive blocks of `0 ..< n`, checking between blocks whether to stop.
    private static func inRounds(_ n: Int, by block: Int = 32_768, context: FitContext, _ body: (Range<Int>) -> Void) throws {
        for lower in stride(from: 0, to: n, by: block) {
            try context.checkStop()
            body(lower ..< min(lower + block, n))
        }
    }
}
