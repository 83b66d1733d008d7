import SeglabNumerics

/// A fitted PCA (as scikit-learn's `PCA(svd_solver='full')`): the column means and the
/// leading principal axes; `project` maps rows onto them.
public struct PrincipalComponents: Codable, Sendable, Equatable {
    public var mean: [Double]
    /// `components[k]` is axis k (unit length, largest-magnitude entry positive).
    public var components: [[Double]]

    /// Fits on `x`: covariance with divisor n − 1 (centred first, fixed-chunk sums), Jacobi
    /// eigen-decomposition, axes by decreasing variance. Returns the PCA keeping the
    /// components `choice` asks for and every component's explained-variance ratio; a
    /// `DataError` naming `place` when the data cannot give them.
    public static func fit(_ x: Matrix, choice: FeatureSetDefinition.PCA, place: String) throws -> (PrincipalComponents, ratios: [Double]) {
        let n = x.rows, d = x.cols
        guard n >= 2, d >= 1 else { throw DataError(file: place, "PCA needs at least 2 customers and 1 feature column") }
        let mean = columnMeans(x)
        let covariance = Self.covariance(x, mean: mean)
        let values: [Double], vectors: [[Double]]
        do { (values, vectors) = try SymmetricEigen.decompose(covariance, dimension: d) } catch let failure as SymmetricEigen.Failure {
            switch failure {
            case .nonFinite:
                throw DataError(file: place, "PCA: the covariance of the columns overflows (values beyond ±1.3e154); scale them first")
            case let .notConverged(sweeps, off):
                throw DataError(file: place, "PCA: the Jacobi eigen-decomposition of the covariance did not converge in \(sweeps) sweeps "
                                + "(off-diagonal norm \(off) of the matrix norm)")
            }
        }
        let rank = min(n, d)
        let variances = values.prefix(rank).map { max($0, 0) }
        let total = variances.reduce(0, +)
        guard total > 0 else { throw DataError(file: place, "PCA needs data with some variance; every feature is constant") }
        let ratios = variances.map { $0 / total }
        let keep: Int
        switch choice {
        case .components(let k):
            guard (1 ... rank).contains(k) else {
                throw DataError(file: place, "pca.components is \(k) but must be between 1 and \(rank) (min of customers and features)")
            }
            keep = k
        case .variance(let v):
            // Fewest components whose cumulative ratio exceeds v (scikit-learn's searchsorted right + 1).
            var cumulative = 0.0, atOrBelow = 0
            for r in ratios { cumulative += r; if cumulative <= v { atOrBelow += 1 } else { break } }
            keep = min(atOrBelow + 1, rank)
        }
        return (PrincipalComponents(mean: mean, components: Array(vectors.prefix(keep))), ratios)
    }

    /// (x − mean) · components^T, one row per customer.
    public func project(_ x: Matrix) -> Matrix {
        let d = mean.count, k = components.count
        var out = Matrix(rows: x.rows, cols: k)
        let axes = components.flatMap { $0 }
        x.storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                Parallel.forEachChunk(count: x.rows, chunkSize: 16_384) { range in
                    var centred = [Double](repeating: 0, count: d)
                    for i in range {
                        for j in 0 ..< d { centred[j] = src[i * d + j] - mean[j] }
                        for c in 0 ..< k {
                            var s = 0.0
                            for j in 0 ..< d { s += centred[j] * axes[c * d + j] }
                            dst[i * k + c] = s
                        }
                    }
                }
            }
        }
        return out
    }

    /// Column means, summed in row order within fixed chunks, chunks combined in order.
    static func columnMeans(_ x: Matrix) -> [Double] {
        let d = x.cols
        let partial = x.storage.withUnsafeBufferPointer { src in
            Parallel.mapChunks(count: x.rows) { range -> [Double] in
                var s = [Double](repeating: 0, count: d)
                for i in range { for j in 0 ..< d { s[j] += src[i * d + j] } }
                return s
            }
        }
        var sum = [Double](repeating: 0, count: d)
        for p in partial { for j in 0 ..< d { sum[j] += p[j] } }
        return sum.map { $0 / Double(x.rows) }
    }

    /// The d × d sample covariance (divisor n − 1) of the centred columns.
    private static func covariance(_ x: Matrix, mean: [Double]) -> [Double] {
        let d = x.cols
        let partial = x.storage.withUnsafeBufferPointer { src in
            Parallel.mapChunks(count: x.rows) { range -> [Double] in
                var s = [Double](repeating: 0, count: d * d)
                var centred = [Double](repeating: 0, count: d)
                for i in range {
                    for j in 0 ..< d { centred[j] = src[i * d + j] - mean[j] }
                    for p in 0 ..< d { for q in p ..< d { s[p * d + q] += centred[p] * centred[q] } }
                }
                return s
            }
        }
        var c = [Double](repeating: 0, count: d * d)
        for part in partial { for k in 0 ..< d * d { c[k] += part[k] } }
        for p in 0 ..< d {
            for q in p ..< d {
                c[p * d + q] /= Double(x.rows - 1)
                c[q * d + p] = c[p * d + q]
            }
        }
        return c
    }
}
