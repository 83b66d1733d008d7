import SeglabNumerics

/// A fitted model that labels a row by its nearest centre: agglomerative clustering (one
/// centre per cluster: the mean of its rows) and BIRCH (the subcluster centroids, each with
/// its cluster, as scikit-learn's `Birch.predict`). Distances are differenced directly and
/// found with a k-d tree; among equally near centres the lowest-numbered wins. The score is
/// the Euclidean distance to that centre.
public struct CentroidModel: FittedClusterModel, Equatable {
    /// The predict rule, stated in `model.json`.
    public var rule: String
    public var centers: [[Double]]
    /// The cluster of each centre.
    public var labels: [Int]

    public init(rule: String, centers: [[Double]], labels: [Int]) {
        precondition(centers.count == labels.count && !centers.isEmpty)
        self.rule = rule; self.centers = centers; self.labels = labels
    }

    public func predict(_ x: Matrix) -> ClusterPrediction {
        let nearest = KDTree(Matrix(rowArrays: centers)).nearest(x)
        return ClusterPrediction(labels: nearest.rows.map { labels[$0] }, scoreKind: .distance,
                                 scores: nearest.squaredDistances.map { $0.squareRoot() })
    }
}
