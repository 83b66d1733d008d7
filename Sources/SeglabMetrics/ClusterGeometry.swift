import SeglabNumerics

/// What Davies–Bouldin, Calinski–Harabasz and inertia need from the rows, in two reads of
/// them shared by the three: the per-cluster sums (hence the label means), then, in one pass,
/// each cluster's summed distance to its mean (Davies–Bouldin's spread) and the total squared
/// residual (inertia, Calinski–Harabasz's within-cluster dispersion). Both passes run over
/// fixed chunks combined in chunk order.
struct ClusterGeometry {
    /// Per-class row sums and means, rows in class order.
    let sums: Matrix
    let centroids: Matrix
    /// Per class: the mean Euclidean distance of its rows to its mean (expanded form).
    let meanDistance: [Double]
    /// Σ ‖x − mean of its class‖² over the clustered rows, differenced directly (as
    /// `Kernels.sumSquaredResiduals`, to the bit).
    let squaredResiduals: Double

    init(_ x: Matrix, _ groups: LabelGroups) {
        let k = groups.classes.count, d = x.cols
        sums = Kernels.groupSums(x, labels: groups.codes, groups: k).sums
        var means = sums
        for c in 0 ..< k { for f in 0 ..< d { means[c, f] /= Double(groups.counts[c]) } }
        centroids = means
        let cNorms = Kernels.rowSquaredNorms(means)
        let partial = x.storage.withUnsafeBufferPointer { xs in
            means.storage.withUnsafeBufferPointer { cs in
                groups.codes.withUnsafeBufferPointer { codes in
                    Parallel.mapChunks(count: x.rows, chunkSize: Kernels.rowChunk) { rows -> (distance: [Double], residual: Double) in
                        var distance = [Double](repeating: 0, count: k)
                        var residual = 0.0
                        for i in rows where codes[i] >= 0 {
                            let c = codes[i], r = xs.baseAddress! + i * d, m = cs.baseAddress! + c * d
                            var s = 0.0
                            for f in 0 ..< d {
                                let e = r[f] - m[f]
                                s += e * e
                            }
                            residual += s
                            let dot = Kernels.dot(r, m, count: d), norm = Kernels.dot(r, r, count: d)
                            distance[c] += Kernels.squaredDistance(normA: norm, normB: cNorms[c], dot: dot).squareRoot()
                        }
                        return (distance, residual)
                    }
                }
            }
        }
        var distance = [Double](repeating: 0, count: k)
        for p in partial { for c in 0 ..< k { distance[c] += p.distance[c] } }
        meanDistance = (0 ..< k).map { distance[$0] / Double(groups.counts[$0]) }
        squaredResiduals = partial.reduce(0) { $0 + $1.residual }
    }
}
