import SeglabNumerics

/// Davies–Bouldin index over the clustered rows (label ≥ 0), as scikit-learn's
/// `davies_bouldin_score`: S_i = mean distance of cluster i's rows to its mean,
/// DBI = mean over i of max over j ≠ i of (S_i + S_j) / ‖c_i − c_j‖; 0 when all S_i or all
/// centroid distances are ≈ 0 (|·| ≤ 1e-8, numpy's `allclose`).
public func daviesBouldinScore(x: Matrix, labels: [Int]) -> MetricResult {
    precondition(labels.count == x.rows)
    let groups = LabelGroups(labels)
    if let reason = groups.invalidCountReason() { return .undefined(reason) }
    return daviesBouldin(groups, ClusterGeometry(x, groups))
}

/// The index from a labelling's groups and geometry (valid cluster count checked by the caller).
func daviesBouldin(_ groups: LabelGroups, _ g: ClusterGeometry) -> MetricResult {
    let k = groups.classes.count, d = g.centroids.cols
    let centroids = g.centroids, intra = g.meanDistance
    let cNorms = Kernels.rowSquaredNorms(centroids)
    var between = [Double](repeating: 0, count: k * k)
    centroids.storage.withUnsafeBufferPointer { cs in
        for a in 0 ..< k {
            for b in 0 ..< k where b != a {
                let dot = Kernels.dot(cs.baseAddress! + a * d, cs.baseAddress! + b * d, count: d)
                between[a * k + b] = Kernels.squaredDistance(normA: cNorms[a], normB: cNorms[b], dot: dot).squareRoot()
            }
        }
    }
    if intra.allSatisfy({ abs($0) <= 1e-8 }) || between.allSatisfy({ abs($0) <= 1e-8 }) { return .defined(0) }
    var total = 0.0
    for a in 0 ..< k {
        var worst = -Double.infinity
        for b in 0 ..< k where b != a {
            // Coincident centroids count as infinitely far apart (ratio 0), as scikit-learn does.
            let ratio = between[a * k + b] == 0 ? 0 : (intra[a] + intra[b]) / between[a * k + b]
            worst = max(worst, ratio)
        }
        total += worst
    }
    return .defined(total / Double(k))
}
