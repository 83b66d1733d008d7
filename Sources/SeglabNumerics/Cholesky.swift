/// Cholesky factorisation of small dense symmetric matrices (a mixture component's d × d
/// covariance), with LAPACK `potrf`'s test for positive definiteness. Written by hand: the
/// matrices are a few dozen entries, and no BLAS/LAPACK is a dependency of seglab.
///
///     if let l = Cholesky.lower(a, n: 3) {          // a = l lᵀ, l lower triangular
///         let inverse = Cholesky.invertLower(l, n: 3)
///     }
public enum Cholesky {
    /// The lower-triangular factor `l` (row-major n × n, zeros above the diagonal) with
    /// `a = l lᵀ`, reading only the lower triangle of the row-major `a`; nil when `a` is not
    /// positive definite (a pivot ≤ 0 or not finite), where LAPACK's `dpotrf` reports failure.
    public static func lower(_ a: [Double], n: Int) -> [Double]? {
        precondition(a.count == n * n)
        var l = [Double](repeating: 0, count: n * n)
        for j in 0 ..< n {
            var pivot = a[j * n + j]
            for p in 0 ..< j { pivot -= l[j * n + p] * l[j * n + p] }
            guard pivot > 0, pivot.isFinite else { return nil }
            let diagonal = pivot.squareRoot()
            l[j * n + j] = diagonal
            for i in j + 1 ..< n {
                var s = a[i * n + j]
                for p in 0 ..< j { s -= l[i * n + p] * l[j * n + p] }
                l[i * n + j] = s / diagonal
            }
        }
        return l
    }

    /// The inverse of a lower-triangular, invertible `l` (row-major n × n), itself lower
    /// triangular, by forward substitution on the columns of the identity.
    public static func invertLower(_ l: [Double], n: Int) -> [Double] {
        precondition(l.count == n * n)
        var inv = [Double](repeating: 0, count: n * n)
        for col in 0 ..< n {
            for i in col ..< n {
                var s = i == col ? 1.0 : 0.0
                for p in col ..< i { s -= l[i * n + p] * inv[p * n + col] }
                inv[i * n + col] = s / l[i * n + i]
            }
        }
        return inv
    }
}
