import SeglabNumerics

/// Normalised mutual information with arithmetic-mean normalisation, as scikit-learn's
/// `normalized_mutual_info_score` (its default). Noise (-1) counts as one more class.
public func normalizedMutualInformation(truth: [Int], predicted: [Int]) -> MetricResult {
    guard !truth.isEmpty else { return .undefined("no rows") }
    return normalizedMutualInformation(Contingency(truth: truth, predicted: predicted))
}

func normalizedMutualInformation(_ table: Contingency) -> MetricResult {
    let t = table.truthCounts.count, p = table.predictedCounts.count
    // Neither labeling splits the data: a perfect (trivial) match, as scikit-learn.
    if t == 1 && p == 1 { return .defined(1) }
    let mi = mutualInformation(table)
    if mi == 0 { return .defined(0) }
    let normalizer = (entropy(table.truthCounts) + entropy(table.predictedCounts)) / 2
    return .defined(mi / normalizer)
}

/// Mutual information in nats, term by term as scikit-learn's `mutual_info_score`.
private func mutualInformation(_ table: Contingency) -> Double {
    if table.truthCounts.count == 1 || table.predictedCounts.count == 1 { return 0 }
    let total = Double(table.n), logTotal = _log(total)
    var mi = 0.0
    for cell in table.cells {
        let nij = Double(cell.count)
        let pij = nij / total
        let outer = Double(table.truthCounts[cell.truth] * table.predictedCounts[cell.predicted])
        let logOuter = -_log(outer) + logTotal + logTotal
        var term = pij * (_log(nij) - logTotal) + pij * logOuter
        if abs(term) < Double.ulpOfOne { term = 0 }
        mi += term
    }
    return max(mi, 0)
}

/// Entropy (nats) of class sizes, as scikit-learn's `entropy`: 0 for a single class.
private func entropy(_ counts: [Int]) -> Double {
    let sizes = counts.filter { $0 > 0 }
    if sizes.count <= 1 { return 0 }
    let total = Double(sizes.reduce(0, +)), logTotal = _log(total)
    var h = 0.0
    for c in sizes {
        let v = Double(c)
        h += (v / total) * (_log(v) - logTotal)
    }
    return -h
}
