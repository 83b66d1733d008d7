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
                let x = xs.baseAddress! + rows.lowerBound * d
                var sums = [Double](repeating: 0, count: d), absolute = sums
                sums.withUnsafeMutableBufferPointer { s in
                    absolute.withUnsafeMutableBufferPointer { a in
                        Self.columnSums(x, rows: rows.count, dims: d, sums: s.baseAddress!, absolute: a.baseAddress!)
                    }
                }
                var largest = 0.0
                for i in 0 ..< rows.count { largest = max(largest, Kernels.dot(x + i * d, x + i * d, count: d)) }
                // A NaN or an infinity makes its column's Σ|x| non-finite; a finite sum that
                // overflowed does too, and only then is every value looked at.
                let finite = absolute.allSatisfy(\.isFinite)
                    || UnsafeBufferPointer(start: x, count: rows.count * d).allSatisfy(\.isFinite)
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
                    s.withUnsafeMutableBufferPointer { s in
                        Self.squaredDeviations(xs.baseAddress! + rows.lowerBound * d, rows: rows.count, dims: d,
                                               from: m.baseAddress!, into: s.baseAddress!)
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

    /// Per column of `rows` rows of `dims` values, Σx and Σ|x| over the rows in row order.
    /// Eight columns at a time in registers (lane-wise, so each column's sum has the bits of a
    /// scalar one), the chunk in cache re-read per block of columns.
    private static func columnSums(_ x: UnsafePointer<Double>, rows: Int, dims d: Int,
                                   sums: UnsafeMutablePointer<Double>, absolute: UnsafeMutablePointer<Double>) {
        var f = 0
        while f + 8 <= d {
            var s = SIMD8<Double>.zero, a = SIMD8<Double>.zero
            for i in 0 ..< rows {
                let v = UnsafeRawPointer(x + i * d + f).loadUnaligned(as: SIMD8<Double>.self)
                s += v
                a += v.replacing(with: -v, where: v .< 0)
            }
            UnsafeMutableRawPointer(sums + f).storeBytes(of: s, as: SIMD8<Double>.self)
            UnsafeMutableRawPointer(absolute + f).storeBytes(of: a, as: SIMD8<Double>.self)
            f += 8
        }
        while f < d {
            var s = 0.0, a = 0.0
            for i in 0 ..< rows {
                let v = x[i * d + f]
                s += v
                a += abs(v)
            }
            sums[f] = s
            absolute[f] = a
            f += 1
        }
    }

    /// Per column, Σ(x − mean)² over the rows in row order, as `columnSums` takes its sums.
    private static func squaredDeviations(_ x: UnsafePointer<Double>, rows: Int, dims d: Int,
                                          from mean: UnsafePointer<Double>, into squares: UnsafeMutablePointer<Double>) {
        var f = 0
        while f + 8 <= d {
            let m = UnsafeRawPointer(mean + f).loadUnaligned(as: SIMD8<Double>.self)
            var s = SIMD8<Double>.zero
            for i in 0 ..< rows {
                let e = UnsafeRawPointer(x + i * d + f).loadUnaligned(as: SIMD8<Double>.self) - m
                s += e * e
            }
            UnsafeMutableRawPointer(squares + f).storeBytes(of: s, as: SIMD8<Double>.self)
            f += 8
        }
        while f < d {
            var s = 0.0
            for i in 0 ..< rows {
                let e = x[i * d + f] - mean[f]
                s += e * e
            }
            squares[f] = s
            f += 1
        }
    }
}
