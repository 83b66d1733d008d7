import SeglabNumerics

/// DEC's soft assignment and its clustering loss (Xie, Girshick & Farhadi 2016), with α = 1:
///
///     t_ij = 1 / (1 + ‖z_i − μ_j‖²),   q_ij = t_ij / Σ_j' t_ij'
///     f_j = Σ_i q_ij,                  p_ij = (q_ij² / f_j) / Σ_j' (q_ij'² / f_j')
///     L = (1/B) Σ_i Σ_j p_ij log(p_ij / q_ij)            (KL(P‖Q), PyTorch's "batchmean")
///
/// Distances are differenced directly, feature by feature (the gradient needs z − μ anyway,
/// and codes close to a centre keep their precision), in fit and prediction alike.
public enum StudentTAssignment {
    /// Soft assignments of `rows` codes (rows × dims) to `k` centres (k × dims) into `q`
    /// (rows × k), and `t` = 1 / (1 + d²) into `kernel` when given.
    @inline(__always)
    public static func soft<F: BinaryFloatingPoint>(_ z: UnsafePointer<F>, rows: Int, dims: Int, centers: UnsafePointer<F>,
                                                    k: Int, into q: UnsafeMutablePointer<F>,
                                                    kernel: UnsafeMutablePointer<F>? = nil) {
        for i in 0 ..< rows {
            let zi = z + i * dims, qi = q + i * k
            var total: F = 0
            for j in 0 ..< k {
                let mj = centers + j * dims
                var d2: F = 0
                for f in 0 ..< dims {
                    let e = zi[f] - mj[f]
                    d2 += e * e
                }
                let t = 1 / (1 + d2)
                kernel?[i * k + j] = t
                qi[j] = t
                total += t
            }
            for j in 0 ..< k { qi[j] /= total }
        }
    }

    /// Soft assignments of every row of `codes` (n × dims) to `centers` (k × dims), n × k.
    public static func soft(_ codes: Matrix, centers: Matrix, workers: Int? = nil) -> Matrix {
        precondition(codes.cols == centers.cols)
        let k = centers.rows, dims = codes.cols
        var q = Matrix(rows: codes.rows, cols: k)
        codes.storage.withUnsafeBufferPointer { zs in
            centers.storage.withUnsafeBufferPointer { cs in
                q.storage.withUnsafeMutableBufferPointer { qb in
                    let qp = qb.baseAddress!
                    Parallel.forEachChunk(count: codes.rows, chunkSize: DenseNetwork.passRows, workers: workers) { rows in
                        soft(zs.baseAddress! + rows.lowerBound * dims, rows: rows.count, dims: dims,
                             centers: cs.baseAddress!, k: k, into: qp + rows.lowerBound * k)
                    }
                }
            }
        }
        return q
    }

    /// The target distribution P of Q (n × k): column sums over fixed row chunks combined in
    /// chunk order, then each row normalised.
    public static func target(_ q: Matrix) -> Matrix {
        let k = q.cols
        let f = Kernels.groupSums(q, labels: [Int](repeating: 0, count: q.rows), groups: 1).sums.storage
        var p = q
        for i in 0 ..< q.rows {
            var total = 0.0
            for j in 0 ..< k {
                let w = q[i, j] * q[i, j] / f[j]
                p[i, j] = w
                total += w
            }
            for j in 0 ..< k { p[i, j] /= total }
        }
        return p
    }

    /// The index of each row's largest entry (the lowest on ties) and that entry.
    public static func strongest(_ q: Matrix) -> (labels: [Int], probability: [Double]) {
        var labels = [Int](repeating: 0, count: q.rows)
        var best = [Double](repeating: 0, count: q.rows)
        for i in 0 ..< q.rows {
            var b = 0
            for j in 1 ..< q.cols where q[i, j] > q[i, b] { b = j }
            labels[i] = b
            best[i] = q[i, b]
        }
        return (labels, best)
    }

    /// KL(P‖Q) of `rows` codes against targets `p` (rows × k), the part of a batch of
    /// `batchRows` rows: returns Σ_i Σ_j p log(p/q) / batchRows and writes ∂L/∂z into `dz`
    /// (rows × dims) and ∂L/∂μ into `dCenters` (k × dims, overwritten):
    ///
    ///     ∂L/∂z_i = (2/B) Σ_j t_ij (p_ij − s_i q_ij)(z_i − μ_j)
    ///     ∂L/∂μ_j = −(2/B) Σ_i t_ij (p_ij − s_i q_ij)(z_i − μ_j),   s_i = Σ_j p_ij (= 1 up to rounding)
    ///
    /// `q` and `t` are scratch of rows × k each. Terms with p = 0 add 0 to the loss (as PyTorch's `kl_div`).
    public static func klGradient(_ z: UnsafePointer<NeuralFloat>, rows: Int, dims: Int,
                                  centers: UnsafePointer<NeuralFloat>, k: Int, target p: UnsafePointer<NeuralFloat>,
                                  batchRows: Int, q: UnsafeMutablePointer<NeuralFloat>, t: UnsafeMutablePointer<NeuralFloat>,
                                  dz: UnsafeMutablePointer<NeuralFloat>, dCenters: UnsafeMutablePointer<NeuralFloat>) -> Double {
        soft(z, rows: rows, dims: dims, centers: centers, k: k, into: q, kernel: t)
        let scale = 2 / NeuralFloat(batchRows)
        dCenters.initialize(repeating: 0, count: k * dims)
        var loss = 0.0
        for i in 0 ..< rows {
            let zi = z + i * dims, pi = p + i * k, qi = q + i * k, dzi = dz + i * dims
            var s: NeuralFloat = 0
            for j in 0 ..< k { s += pi[j] }
            for f in 0 ..< dims { dzi[f] = 0 }
            for j in 0 ..< k {
                if pi[j] > 0 { loss += Double(pi[j]) * (_log(Double(pi[j])) - _log(Double(qi[j]))) }
                let w = scale * t[i * k + j] * (pi[j] - s * qi[j])
                let mj = centers + j * dims, gj = dCenters + j * dims
                for f in 0 ..< dims {
                    let g = w * (zi[f] - mj[f])
                    dzi[f] += g
                    gj[f] -= g
                }
            }
        }
        return loss / Double(batchRows)
    }
}
