/// Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method: plane
/// rotations sweep the off-diagonal entries, row by row, until they are negligible. Slow in
/// d (O(d³) per sweep) but accurate to a few ulps for the d ≤ ~50 of feature sets, and free
/// of any library: the same operations in the same order on every machine.
///
/// Stopping rule: the off-diagonal Frobenius norm is at most ε·‖A‖_F (ε = 2⁻⁵², ‖A‖_F is
/// invariant under the rotations). The rule is reachable: each rotation zeroes its entry and
/// only rotates the others (changing their norm by O(ε) of itself, not of ‖A‖), and the
/// cyclic method converges quadratically, so a handful of sweeps reach it. Norms are taken on
/// the matrix divided by its largest entry, so entries near 1e200 cannot overflow the test.
/// A matrix that has not converged after `maxSweeps` sweeps, or has a non-finite entry, is an
/// error, never a silently wrong decomposition.
enum SymmetricEigen {
    enum Failure: Error, Equatable {
        /// The off-diagonal norm, relative to ‖A‖_F, after the last sweep.
        case notConverged(sweeps: Int, relativeOffDiagonal: Double)
        case nonFinite
    }

    /// Eigenvalues in decreasing order and the matching unit eigenvectors (`vectors[k]`),
    /// each signed so that its entry of largest magnitude (the first, on a tie) is positive.
    static func decompose(_ matrix: [Double], dimension d: Int, maxSweeps: Int = 100) throws -> (values: [Double], vectors: [[Double]]) {
        precondition(matrix.count == d * d)
        guard matrix.allSatisfy(\.isFinite) else { throw Failure.nonFinite }
        var a = matrix
        var v = [Double](repeating: 0, count: d * d)
        for i in 0 ..< d { v[i * d + i] = 1 }
        let largest = a.reduce(0) { max($0, $1.magnitude) }
        let total = a.reduce(0) { $0 + ($1 / largest) * ($1 / largest) }   // ‖A/largest‖²_F
        func offDiagonal() -> Double {
            var off = 0.0
            for p in 0 ..< d { for q in p + 1 ..< d { off += 2 * (a[p * d + q] / largest) * (a[p * d + q] / largest) } }
            return off
        }
        let tolerance = Double.ulpOfOne * Double.ulpOfOne * total
        var sweeps = 0
        while largest > 0, offDiagonal() > tolerance {
            guard sweeps < maxSweeps else {
                throw Failure.notConverged(sweeps: sweeps, relativeOffDiagonal: (offDiagonal() / total).squareRoot())
            }
            sweeps += 1
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
