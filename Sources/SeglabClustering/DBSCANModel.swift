import SeglabNumerics

/// Fitted DBSCAN: its core points and their clusters. scikit-learn's DBSCAN has no `predict`;
/// seglab's rule: a new row joins the cluster of its nearest core point when that point is
/// within `eps` (the lowest-index core point among equally near ones), else it is noise
/// (-1). The score is the distance to the nearest core point, noise included.
///
/// A core point of the fit is its own nearest core point, so `predict` gives every core point
/// its fitted cluster. A border point may get another cluster than the fit gave it (the fit
/// gives the lowest-numbered cluster within `eps`, this the nearest core point's).
public struct DBSCANModel: FittedClusterModel, Equatable {
    /// The predict rule, stated in `model.json`.
    public var rule = "cluster of the nearest core point when within eps, else noise (-1); score = distance to the nearest core point"
    public var eps: Double
    /// The core points (rows of the fit, in row order).
    public var corePoints: [[Double]]
    public var coreLabels: [Int]

    public init(eps: Double, corePoints: [[Double]], coreLabels: [Int]) {
        precondition(corePoints.count == coreLabels.count)
        self.eps = eps; self.corePoints = corePoints; self.coreLabels = coreLabels
    }

    public func predict(_ x: Matrix) -> ClusterPrediction {
        // No core point: every row is noise, and no distance is defined.
        guard !corePoints.isEmpty else { return ClusterPrediction(labels: [Int](repeating: -1, count: x.rows)) }
        let nearest = KDTree(Matrix(rowArrays: corePoints)).nearest(x)
        let r2 = eps * eps
        let labels = zip(nearest.rows, nearest.squaredDistances).map { $1 <= r2 ? coreLabels[$0] : -1 }
        return ClusterPrediction(labels: labels, scoreKind: .distance, scores: nearest.squaredDistances.map { $0.squareRoot() })
    }
}
