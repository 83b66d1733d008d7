/// What a K-Means fit checks and derives from its matrix before it starts: whether every value
/// is finite, the largest squared row norm (its distance error bounds), every column's sum of
/// absolute values (the error bounds of its per-cluster sums) and every column's population
/// variance (its tolerance). Two reads of the rows, where a check, a norm pass and
/// a two-pass variance took four: at a million rows each read is milliseconds, paid once per
/// matrix in a grid but by every fit on its own.
///
/// Each sum is taken over fixed chunks, rows in order, and the chunks combined in chunk order,
/// so the facts are the same on any number of threads.
public struct MatrixFacts: Sendable {
    public let allFinite: Bool
    /// max_i ‖x_i‖², each norm summed in feature order (`Kernels.rowSquaredNorms`'s); 0 without rows.
    public let largestSquaredNorm: Double
    /// Per column, Σ|x| over the rows, rounded up: it bounds every sum of a subset of the rows'
    /// absolute values (0 without rows).
    public let columnAbsoluteSums: [Double]
    /// Population variance (divisor n) of every column, two-pass: the mean, then the squared
    /// deviations from it.
    public let columnVariances: [Double]

    public init(_ x: Matrix) {
        let n = x.rows, d = x.cols
        guard n > 0 else {
            allFinite = true
            largestSquaredNorm = 0
            columnAbsoluteSums = [Double](repeating: 0, count: d)
            columnVariances = [Double](repeating: 0, count: d)
            return
        }
        let first = x.storage.withUnsafeBufferPointer { xs in
            Parallel.mapChunks(count: n, chunkSize: Kernels.rowChunk) { rows -> (sums: [Double], absolute: [Double], largest: Double, finite: Bool) in
                var sums = [Double](repeating: 0, count: d), absolute = sums
                var largest = 0.0, finite = true
                sums.withUnsafeMutableBufferPointer { s in
                    absolute.withUnsafeMutableBufferPointer { a in
                        for i in rows {
                            let r = xs.baseAddress! + i * d
                            for f in 0 ..< d where !r[f].isFinite { finite = false }
                            Kernels.addRow(r, to: s.baseAddress!, dims: d)
                            for f in 0 ..< d { a[f] += abs(r[f]) }
                            largest = max(largest, Kernels.dot(r, r, count: d))
                        }
                    }
                }
                return (sums, absolute, largest, finite)
            }
        }
        var total = [Double](repeating: 0, count: d)
        for chunk in first { for f in 0 ..< d { total[f] += chunk.sums[f] } }
        let mean = total.map { $0 / Double(n) }
        let deviations = x.storage.withUnsafeBufferPointer { xs in
            mean.withUnsafeBufferPointer { m in
                Parallel.mapChunks(count: n, chunkSize: Kernels.rowChunk) { rows -> [Double] in
                    var s = [Double](repeating: 0, count: d)
                    for i in rows {
                        for f in 0 ..< d {
                            let e = xs[i * d + f] - m[f]
                            s[f] += e * e
                        }
                    }
                    return s
                }
            }
        }
        var squares = [Double](repeating: 0, count: d)
        for chunk in deviations { for f in 0 ..< d { squares[f] += chunk[f] } }
        // n + chunks roundings of non-negative terms, each at most 2⁻⁵³ of the running total.
        let growth = 1 + Double(n + first.count + 2) * 0x1p-52
        columnAbsoluteSums = (0 ..< d).map { f in first.reduce(0) { $0 + $1.absolute[f] } * growth }
        allFinite = first.allSatisfy(\.finite)
        largestSquaredNorm = first.map(\.largest).max()!
        columnVariances = squares.map { $0 / Double(n) }
    }
}
