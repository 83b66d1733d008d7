import SeglabNumerics

/// One evaluation of t-SNE's gradient with Barnes–Hut repulsion (scikit-learn's
/// `_kl_divergence_bh` with `compute_error`): for each point i,
///
///     ∂C/∂y_i = 4 · ( Σ_j p_ij q̃_ij (y_i − y_j)  −  Σ_j q̃_ij² (y_i − y_j) / Z ),
///
/// q̃_ij = 1 / (1 + ‖y_i − y_j‖²), Z = Σ_{i≠j} q̃_ij; the first (attractive) sum runs over P's
/// non-zeros, the second (repulsive) and Z come from the quadtree. The KL divergence
/// Σ p_ij log(p_ij / (q̃_ij / Z)) over P's non-zeros (both floored at 2^-126, float32's
/// smallest normal, as scikit-learn) is computed when asked.
///
/// Rows are split in fixed chunks of `rowChunk`; Z and the divergence are summed per chunk
/// and the chunks combined in order, so the result does not depend on the thread count.
struct TSNEGradient {
    static let rowChunk = 256
    static let tiny = 0x1p-126

    let p: JointProbabilities
    let angle: Double
    let workers: Int?
    private var tree: BarnesHutTree
    private var negative: [Double]

    init(p: JointProbabilities, angle: Double, workers: Int?) {
        self.p = p
        self.angle = angle
        self.workers = workers
        tree = BarnesHutTree(capacity: p.rows)
        negative = [Double](repeating: 0, count: 2 * p.rows)
    }

    /// Writes the gradient at `position` (x0, y0, x1, y1, …) into `gradient`, with P scaled
    /// by `exaggeration`; returns the KL divergence when `withError`, else nil.
    mutating func evaluate(at position: [Double], exaggeration: Double, withError: Bool, into gradient: inout [Double]) -> Double? {
        let n = p.rows
        let squaredTheta = angle * angle
        position.withUnsafeBufferPointer { pb in tree.build(pb.baseAddress!, count: n) }
        let built = tree
        let z: Double = position.withUnsafeBufferPointer { pb in
            negative.withUnsafeMutableBufferPointer { nb in
                let pos = pb.baseAddress!, neg = nb.baseAddress!
                let partial = Parallel.mapChunks(count: n, chunkSize: Self.rowChunk, workers: workers) { rows -> Double in
                    var sum = 0.0
                    var force = (x: 0.0, y: 0.0)
                    for i in rows {
                        sum += built.repulsion(x: pos[2 * i], y: pos[2 * i + 1], squaredTheta: squaredTheta, force: &force)
                        neg[2 * i] = force.x
                        neg[2 * i + 1] = force.y
                    }
                    return sum
                }
                return max(partial.reduce(0, +), Double.ulpOfOne)
            }
        }
        let errors: [Double] = position.withUnsafeBufferPointer { pb in
            negative.withUnsafeBufferPointer { nb in
                gradient.withUnsafeMutableBufferPointer { gb in
                    p.rowStart.withUnsafeBufferPointer { sb in
                        p.columns.withUnsafeBufferPointer { cb in
                            p.values.withUnsafeBufferPointer { vb in
                                let pos = pb.baseAddress!, neg = nb.baseAddress!, grad = gb.baseAddress!
                                let start = sb.baseAddress!, column = cb.baseAddress!, value = vb.baseAddress!
                                return Parallel.mapChunks(count: n, chunkSize: Self.rowChunk, workers: workers) { rows -> Double in
                                    var error = 0.0
                                    for i in rows {
                                        let xi = pos[2 * i], yi = pos[2 * i + 1]
                                        var ax = 0.0, ay = 0.0
                                        for e in start[i] ..< start[i + 1] {
                                            let j = Int(column[e])
                                            let dx = xi - pos[2 * j], dy = yi - pos[2 * j + 1]
                                            let q = 1 / (1 + dx * dx + dy * dy)
                                            let pij = exaggeration * value[e]
                                            let pq = pij * q
                                            ax += pq * dx
                                            ay += pq * dy
                                            if withError {
                                                error += pij * _log(max(pij, Self.tiny) / max(q / z, Self.tiny))
                                            }
                                        }
                                        grad[2 * i] = 4 * (ax - neg[2 * i] / z)
                                        grad[2 * i + 1] = 4 * (ay - neg[2 * i + 1] / z)
                                    }
                                    return error
                                }
                            }
                        }
                    }
                }
            }
        }
        return withError ? errors.reduce(0, +) : nil
    }
}
