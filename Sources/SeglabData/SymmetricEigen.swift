/// Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method: plane
/// rotations sweep the off-diagonal entries, row by row, until they are negligible. Slow in
/// d (O(d³) per sweep) but accurate to a few ulps for the d ≤ ~50 of feature sets, and free
/// of any library: the same operations in the same order on every machine.
enum SymmetricEigen {
    /// Eigenvalues in decreasing order and the matching unit eigenvectors (`vectors[k]`),
    /// each signed so that its entry of largest magnitude (the first, on a tie) is positive.
    static func decompose(_ matrix: [Double], dimension d: Int) -> (values: [Double], vectors: [[Double]]) {
        precondition(matrix.count == d * d)
        var a = matrix
        var v = [Double](repeating: 0, count: d * d)
        for i in 0 ..< d { v[i * d + i] = 1 }
        let total = a.reduce(0) { $0 + $1 * $1 }
        for _ in 0 ..< 100 {
            var off = 0.0
            for p in 0 ..< d { for q in p + 1 ..< d { off += a[p * d + q] * a[p * d + q] } }
            if off <= 1e-36 * total || off == 0 { break }
            for p in 0 ..< d - 1 {
                for q in p + 1 ..< d {
                    let apq = a[p * d + q]
                    if apq == 0 { continue }
                    let app = a[p * d + p], aqq = a[q * d + q]
                    // Rotation angle that zeroes a[p][q] (Numerical Recipes §11.1, smaller root).
                    let theta = (aqq - app) / (2 * apq)
                    let t = theta.magnitude > 1e150 ? 1 / (2 * theta)
                        : (theta >= 0 ? 1 : -1) / (theta.magnitude + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    a[p * d + p] = app - t * apq
                    a[q * d + q] = aqq + t * apq
                    a[p * d + q] = 0; a[q * d + p] = 0
                    for r in 0 ..< d where r != p && r != q {
                        let arp = a[r * d + p], arq = a[r * d + q]
                        a[r * d + p] = c * arp - s * arq; a[p * d + r] = a[r * d + p]
                        a[r * d + q] = s * arp + c * arq; a[q * d + r] = a[r * d + q]
                    }
                    for r in 0 ..< d {
                        let vrp = v[r * d + p], vrq = v[r * d + q]
                        v[r * d + p] = c * vrp - s * vrq
                        v[r * d + q] = s * vrp + c * vrq
                    }
                }
            }
        }
        let order = (0 ..< d).sorted { (a[$0 * d + $0], -$0) > (a[$1 * d + $1], -$1) }
        let vectors = order.map { k -> [Double] in
            var column = (0 ..< d).map { v[$0 * d + k] }
            var big = 0
            for i in 1 ..< d where column[i].magnitude > column[big].magnitude { big = i }
            if column[big] < 0 { column = column.map { -$0 } }
            return column
        }
        return (order.map { a[$0 * d + $0] }, vectors)
    }
}
