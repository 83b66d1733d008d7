import SeglabNumerics

/// Silhouette of every clustered row (label ≥ 0), in row order, or nil when undefined
/// (fewer than 2 or more than n − 1 clusters). Exact: all pairs, Euclidean.
///
/// a(i) is the mean distance to the other members of i's cluster, b(i) the smallest mean
/// distance to another cluster, s(i) = (b − a) / max(a, b); s(i) = 0 in a singleton
/// cluster and where a = b = 0, as scikit-learn's `silhouette_samples`.
public func silhouetteSamples(x: Matrix, labels: [Int]) -> [Double]? {
    precondition(labels.count == x.rows)
    let groups = LabelGroups(labels)
    guard groups.invalidCountReason() == nil else { return nil }
    let k = groups.classes.count
    // Rows grouped by cluster (stable), so each cluster is one contiguous segment.
    var starts = [Int](repeating: 0, count: k + 1)
    for c in 0 ..< k { starts[c + 1] = starts[c] + groups.counts[c] }
    var next = starts
    var order = [Int](repeating: 0, count: groups.clusteredCount)
    for (i, c) in groups.codes.enumerated() where c >= 0 {
        order[next[c]] = i
        next[c] += 1
    }
    let segments = (0 ..< k).map { starts[$0] ..< starts[$0 + 1] }
    let sums = Kernels.segmentDistanceSums(x.selectingRows(order), segments: segments)

    var byRow = [Double](repeating: 0, count: x.rows)
    for (p, i) in order.enumerated() {
        let own = groups.codes[i], ownCount = groups.counts[own]
        if ownCount == 1 { continue }
        let a = sums[p * k + own] / Double(ownCount - 1)
        var b = Double.infinity
        for c in 0 ..< k where c != own { b = min(b, sums[p * k + c] / Double(groups.counts[c])) }
        let denom = max(a, b)
        byRow[i] = denom > 0 ? (b - a) / denom : 0
    }
    return groups.codes.indices.filter { groups.codes[$0] >= 0 }.map { byRow[$0] }
}

/// Mean silhouette over the clustered rows (label ≥ 0) of `x`.
public func silhouetteScore(x: Matrix, labels: [Int]) -> MetricResult {
    guard let s = silhouetteSamples(x: x, labels: labels) else {
        return .undefined(LabelGroups(labels).invalidCountReason()!)
    }
    return .defined(s.reduce(0, +) / Double(s.count))
}

/// Mean silhouette over the rows `rows` only, with distances among those rows (scikit-learn's
/// `silhouette_score(..., sample_size)` on a given sample).
public func silhouetteScore(x: Matrix, labels: [Int], rows: [Int]) -> MetricResult {
    silhouetteScore(x: x.selectingRows(rows), labels: rows.map { labels[$0] })
}
