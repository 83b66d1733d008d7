extension Kernels {
    /// Σ (a[f] − b[f])² in feature order: the squared distance differenced directly.
    ///
    /// The exception to the expanded form of `Kernels`, for the algorithms whose decisions are
    /// comparisons of one pair's distance with a constant or with another pair's: DBSCAN's
    /// `d ≤ eps`, the k-d tree's searches, the agglomerative linkages. The expanded form's
    /// error is about 1e-16·‖x‖² absolute, so on unscaled data (‖x‖ ≫ eps) it can move a
    /// distance across eps by more than the 1e-9 relative margins the reference fixtures
    /// guarantee; the differenced form's error is relative to the distance itself. It is also
    /// the very sum scikit-learn's k-d tree (`euclidean_rdist`), its minimum spanning tree and
    /// SciPy's `pdist` compute, so the decisions match theirs.
    @inlinable @inline(__always)
    public static func differencedSquaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        var s = 0.0
        for f in 0 ..< count {
            let e = a[f] - b[f]
            s += e * e
        }
        return s
    }

    /// `differencedSquaredDistance` from `centre` to eight points at once, one per lane: the
    /// points in slots p ..< p + 8 of a feature-major store (coordinate f of slot q at
    /// `c[f × capacity + q]`), as the linkages' nearest-pair scans keep their clusters.
    @inlinable @inline(__always)
    public static func differencedSquaredDistances(_ c: UnsafePointer<Double>, capacity: Int, slots p: Int,
                                                   to centre: UnsafeBufferPointer<Double>) -> SIMD8<Double> {
        var acc = SIMD8<Double>.zero
        for f in 0 ..< centre.count {
            let v = UnsafeRawPointer(c + f * capacity + p).loadUnaligned(as: SIMD8<Double>.self) - SIMD8(repeating: centre[f])
            acc += v * v
        }
        return acc
    }
}
