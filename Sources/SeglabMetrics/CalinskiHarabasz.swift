import SeglabNumerics

/// Calinski–Harabasz index over the clustered rows (label ≥ 0), as scikit-learn's
/// `calinski_harabasz_score`: [Σ n_k ‖c_k − c‖² / (k − 1)] / [Σ ‖x − c_label‖² / (n − k)],
/// and 1 when the within-cluster dispersion is 0.
public func calinskiHarabaszScore(x: Matrix, labels: [Int]) -> MetricResult {
    precondition(labels.count == x.rows)
    let groups = LabelGroups(labels)
    if let reason = groups.invalidCountReason() { return .undefined(reason) }
    return calinskiHarabasz(groups, ClusterGeometry(x, groups))
}

/// The index from a labelling's groups and geometry (valid cluster count checked by the caller).
func calinskiHarabasz(_ groups: LabelGroups, _ g: ClusterGeometry) -> MetricResult {
    let k = groups.classes.count, n = groups.clusteredCount, d = g.sums.cols
    var mean = [Double](repeating: 0, count: d)
    for c in 0 ..< k { for f in 0 ..< d { mean[f] += g.sums[c, f] } }
    for f in 0 ..< d { mean[f] /= Double(n) }

    var extra = 0.0
    for c in 0 ..< k {
        var s = 0.0
        for f in 0 ..< d {
            let e = g.centroids[c, f] - mean[f]
            s += e * e
        }
        extra += Double(groups.counts[c]) * s
    }
    let intra = g.squaredResiduals
    if intra == 0 { return .defined(1) }
    return .defined(extra * Double(n - k) / (intra * Double(k - 1)))
}
