import SeglabNumerics

/// Agglomerative clustering as scikit-learn 1.9's `AgglomerativeClustering(n_clusters=k,
/// linkage=…)` with Euclidean distances and no connectivity: the full merge tree, cut by
/// undoing its last k − 1 merges.
///
/// - `ward`: the nearest-neighbour chain on centroids (`WardLinkage`), O(n²) time, O(n)
///   memory;
/// - `complete`, `average`: the chain on the condensed distance matrix with Lance–Williams
///   updates (`CondensedLinkage`), O(n²) memory: refused before the run starts when
///   `memoryEstimate` exceeds the machine's memory;
/// - `single`: Prim's minimum spanning tree (`SingleLinkage`), O(n) memory.
///
/// The tree does not depend on `k`: it is computed once per feature set and linkage and
/// shared through the run's `FitCache` (key `agglomerative.tree.<linkage>`), so a grid over
/// `k` costs one tree. Clusters are numbered by first appearance in row order. The model is
/// the clusters' centroids; new rows go to the nearest one.
public struct Agglomerative: ClusteringAlgorithm {
    public enum Linkage: String, Sendable, CaseIterable {
        case ward, complete, average, single
    }

    public static let name = "agglomerative"
    public static let summary = "Agglomerative (hierarchical) clustering, Euclidean, as scikit-learn's AgglomerativeClustering"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("k", .int(min: 2, max: 1_000_000_000), default: .required, help: "number of clusters (where the tree is cut)"),
        ParameterSpec("linkage", .choice(Linkage.allCases.map(\.rawValue)), default: .value(.string("ward")),
                      help: "ward (minimum variance increase), complete (farthest pair), average (mean pair distance) or single (nearest pair)"),
    ]

    /// complete and average hold the n(n−1)/2 distances; ward and single a few n-vectors and
    /// a feature-major copy of the data.
    public static func memoryEstimate(rows: Int, cols: Int, parameters: ResolvedParameters) -> Int {
        let linear = rows * 8 * (2 * cols + 12)
        switch Linkage(rawValue: parameters.string("linkage")) {
        case .complete?, .average?:
            return 8 * (rows * max(rows - 1, 0) / 2) + linear
        default:
            return linear
        }
    }

    public static var memoryAdvice: String? { "use linkage ward or single (O(n) memory), birch, or a smaller sample" }

    public let k: Int
    public let linkage: Linkage

    public init(k: Int, linkage: Linkage = .ward) {
        precondition(k >= 1)
        self.k = k
        self.linkage = linkage
    }

    public init(parameters: ResolvedParameters) throws {
        guard parameters.values["k"] != nil else { throw ClusteringError("agglomerative: parameter k is required") }
        guard let linkage = Linkage(rawValue: parameters.string("linkage")) else {
            throw ClusteringError("agglomerative: unknown linkage \(parameters.string("linkage"))")
        }
        self.init(k: parameters.int("k"), linkage: linkage)
    }

    public func fit(_ x: Matrix, rng: inout Xoshiro256StarStar, context: FitContext) throws -> ClusteringFit<CentroidModel> {
        guard x.rows >= k else {
            throw ClusteringError("agglomerative: k = \(k) exceeds the number of rows (\(x.rows))")
        }
        guard x.storage.allSatisfy({ $0.isFinite }) else {
            throw ClusteringError("agglomerative: the data contain a non-finite value")
        }
        let tree = try context.cache.value(for: "agglomerative.tree.\(linkage.rawValue)") { try Self.tree(x, linkage, context: context) }
        let labels = tree.labels(clusters: k)
        let centroids = Kernels.groupSums(x, labels: labels, groups: k)
        let centers = (0 ..< k).map { c in centroids.sums.row(c).map { $0 / Double(centroids.counts[c]) } }
        let model = CentroidModel(rule: "nearest cluster centroid (the mean of the cluster's rows); score = distance to it",
                                  centers: centers, labels: Array(0 ..< k))
        return ClusteringFit(labels: labels, model: model)
    }

    /// The full merge tree of `x` for `linkage`.
    static func tree(_ x: Matrix, _ linkage: Linkage, context: FitContext) throws -> Dendrogram {
        switch linkage {
        case .ward: return try WardLinkage.tree(x, context: context)
        case .complete: return try CondensedLinkage.tree(x, update: .complete, context: context)
        case .average: return try CondensedLinkage.tree(x, update: .average, context: context)
        case .single: return try SingleLinkage.tree(x, context: context)
        }
    }
}
