/// The numeric kernels shared by the algorithms and the metrics.
///
/// Every squared Euclidean distance in seglab is the expanded form
/// ‖x‖² − 2 x·c + ‖c‖², evaluated as `(‖x‖² − 2·dot) + ‖c‖²` and clamped at 0, with the dot
/// product and the norms summed feature by feature in the same order. Two consequences the
/// callers rely on: a row's distance to an identical row (or centre) is exactly 0, and a
/// SIMD lane computes the very bits a scalar loop would, so results do not depend on how
/// rows are blocked or chunked.
public enum Kernels {
    /// Rows per parallel task in the row-wise passes: fixed, so sums combined in chunk order
    /// are the same on any machine.
    public static let rowChunk = 8192

    /// ‖x_i‖² of every row, summed in feature order (the same order as every dot product).
    public static func rowSquaredNorms(_ x: Matrix) -> [Double] {
        let n = x.rows, d = x.cols
        var norms = [Double](repeating: 0, count: n)
        x.storage.withUnsafeBufferPointer { xs in
            norms.withUnsafeMutableBufferPointer { out in
                let xp = xs.baseAddress, op = out.baseAddress!
                Parallel.forEachChunk(count: n, chunkSize: rowChunk) { rows in
                    for i in rows { op[i] = dot(xp! + i * d, xp! + i * d, count: d) }
                }
            }
        }
        return norms
    }

    /// Σ a[f]·b[f] in feature order: the one dot product behind every norm and distance.
    @inlinable @inline(__always)
    public static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        var s = 0.0
        for f in 0 ..< count { s += a[f] * b[f] }
        return s
    }

    /// The expanded squared distance from its parts, clamped at 0 (rounding can push it below).
    @inlinable @inline(__always)
    public static func squaredDistance(normA: Double, normB: Double, dot: Double) -> Double {
        let d = (normA - 2 * dot) + normB
        return d < 0 ? 0 : d
    }

    /// Sum of squared residuals ‖x_i − c_{label_i}‖² over rows with a label ≥ 0, differenced
    /// directly (as scikit-learn's `_inertia`), so a small residual keeps its precision.
    public static func sumSquaredResiduals(_ x: Matrix, centers: Matrix, labels: [Int]) -> Double {
        precondition(labels.count == x.rows && centers.cols == x.cols)
        return labels.withUnsafeBufferPointer { lb in residuals(x, labelings: [(centers, lb.baseAddress!)])[0] }
    }

    /// `sumSquaredResiduals` of several labelings of the same rows (each with its centres), in
    /// one read of the rows: per labeling, each chunk's rows in order, the chunks in order.
    public static func sumSquaredResiduals(_ x: Matrix, labelings: [(centers: Matrix, labels: UnsafePointer<Int32>)]) -> [Double] {
        residuals(x, labelings: labelings)
    }

    private static func residuals<Label: BinaryInteger>(_ x: Matrix, labelings: [(centers: Matrix, labels: UnsafePointer<Label>)])
        -> [Double] {
        precondition(labelings.allSatisfy { $0.centers.cols == x.cols })
        let d = x.cols
        let partial = x.storage.withUnsafeBufferPointer { xs in
            Parallel.mapChunks(count: x.rows, chunkSize: rowChunk) { rows -> [Double] in
                labelings.map { labeling in
                    labeling.centers.storage.withUnsafeBufferPointer { cs in
                        var total = 0.0
                        for i in rows where labeling.labels[i] >= 0 {
                            let r = xs.baseAddress! + i * d, c = cs.baseAddress! + Int(labeling.labels[i]) * d
                            var s = 0.0
                            for f in 0 ..< d {
                                let e = r[f] - c[f]
                                s += e * e
                            }
                            total += s
                        }
                        return total
                    }
                }
            }
        }
        return labelings.indices.map { l in partial.reduce(0) { $0 + $1[l] } }
    }

    /// Per-group sums of the rows (rows with a negative label are skipped) and group sizes,
    /// accumulated over fixed chunks and combined in chunk order.
    public static func groupSums(_ x: Matrix, labels: [Int], groups: Int) -> (sums: Matrix, counts: [Int]) {
        precondition(labels.count == x.rows)
        let d = x.cols
        let partial = labels.withUnsafeBufferPointer { lb in
            Parallel.mapChunks(count: x.rows, chunkSize: rowChunk) { rows -> GroupAccumulator in
                var acc = GroupAccumulator(groups: groups, dims: d)
                acc.add(x, labels: lb.baseAddress!, rows: rows)
                return acc
            }
        }
        var total = GroupAccumulator(groups: groups, dims: d)
        for p in partial { total.merge(p) }
        return (Matrix(rows: groups, cols: d, storage: total.sums), total.counts)
    }

    /// Population variance (divisor n) of every column, two-pass, chunk-ordered (`MatrixFacts`).
    public static func columnVariances(_ x: Matrix) -> [Double] { MatrixFacts(x).columnVariances }
}
