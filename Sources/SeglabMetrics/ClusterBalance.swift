import SeglabNumerics

/// How rows spread over clusters: counts, shares of all rows, size entropy, noise.
public struct ClusterBalance: Sendable, Equatable {
    /// Distinct non-negative labels.
    public var nClusters: Int
    /// Smallest and largest cluster size over all rows (noise included in the divisor).
    public var minClusterShare: MetricResult
    public var maxClusterShare: MetricResult
    /// Entropy of the cluster sizes (shares of the clustered rows) divided by log(n_clusters):
    /// 1 for equal sizes; undefined for fewer than 2 clusters.
    public var balanceEntropy: MetricResult
    /// Rows labelled -1 over all rows.
    public var noiseFraction: MetricResult
    /// (cluster, size) sorted by cluster id, noise (-1) first when present.
    public var sizes: [(cluster: Int, size: Int)]

    public static func == (a: ClusterBalance, b: ClusterBalance) -> Bool {
        a.nClusters == b.nClusters && a.minClusterShare == b.minClusterShare
            && a.maxClusterShare == b.maxClusterShare && a.balanceEntropy == b.balanceEntropy
            && a.noiseFraction == b.noiseFraction && a.sizes.elementsEqual(b.sizes) { $0 == $1 }
    }
}

/// Cluster counts and balance of a labeling; any negative label is noise.
public func clusterBalance(labels: [Int]) -> ClusterBalance { clusterBalance(LabelGroups(labels)) }

func clusterBalance(_ groups: LabelGroups) -> ClusterBalance {
    let n = groups.codes.count
    var sizes = [(cluster: Int, size: Int)]()
    if groups.noiseCount > 0 { sizes.append((-1, groups.noiseCount)) }
    sizes += zip(groups.classes, groups.counts).map { (cluster: $0, size: $1) }
    guard n > 0 else {
        let none = MetricResult.undefined("no rows")
        return ClusterBalance(nClusters: 0, minClusterShare: none, maxClusterShare: none,
                              balanceEntropy: none, noiseFraction: none, sizes: sizes)
    }
    let k = groups.classes.count
    let noClusters = MetricResult.undefined("no clusters (every row is noise)")
    let minShare = groups.counts.min().map { MetricResult.defined(Double($0) / Double(n)) } ?? noClusters
    let maxShare = groups.counts.max().map { MetricResult.defined(Double($0) / Double(n)) } ?? noClusters
    var balance = MetricResult.undefined("needs at least 2 clusters, got \(k)")
    if k >= 2 {
        let m = Double(groups.clusteredCount)
        var h = 0.0
        for c in groups.counts {
            let p = Double(c) / m
            h -= p * _log(p)
        }
        balance = .defined(h / _log(Double(k)))
    }
    return ClusterBalance(nClusters: k, minClusterShare: minShare, maxClusterShare: maxShare,
                          balanceEntropy: balance, noiseFraction: .defined(Double(groups.noiseCount) / Double(n)),
                          sizes: sizes)
}
