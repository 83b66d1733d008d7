import CSeglabKernels

extension Kernels {
    /// The bounds test of a bounded K-Means step (the C kernel `seglab_undecided`): row i of
    /// `rows` is decided when `bounds[i]` is above `thresholds[labels[i]]` in either lane (one
    /// pair per cluster; every label indexes `thresholds`). Writes the rows not decided to
    /// `undecided` in order and returns how many; `undecided` has room for `rows.count` (the
    /// kernel may write all of them).
    @inline(__always)
    public static func undecidedRows(bounds: UnsafePointer<SIMD2<Float>>, labels: UnsafePointer<Int32>,
                                     thresholds: UnsafeBufferPointer<SIMD2<Float>>, rows: Range<Int>,
                                     into undecided: UnsafeMutablePointer<Int>) -> Int {
        seglab_undecided(UnsafeRawPointer(bounds).assumingMemoryBound(to: Float.self), labels,
                         UnsafeRawPointer(thresholds.baseAddress!).assumingMemoryBound(to: Float.self), thresholds.count,
                         rows.lowerBound, rows.count, undecided)
    }
}

extension Kernels {
    /// The bounded K-Means step's new bounds and labels for the `m` rows listed in `rows`, from
    /// the labels and squared distances `PackedCenters.nearestTwo` found for them (the C
    /// kernel `seglab_new_bounds`, whose header gives the arithmetic); marks in `touched` the
    /// clusters that lost or gained a row. Returns how many labels changed and the smallest row
    /// whose label changed (`Int.max` when none did).
    @inline(__always)
    public static func newBounds(rows: UnsafePointer<Int>, count m: Int, found: UnsafePointer<Int32>,
                                 best: UnsafePointer<Double>, second: UnsafePointer<Double>, error: Double,
                                 travelled: UnsafePointer<Double>, travelledMax: Double,
                                 labels: UnsafeMutablePointer<Int32>, bounds: UnsafeMutablePointer<SIMD2<Float>>,
                                 touched: UnsafeMutablePointer<Int32>) -> (changed: Int, firstChanged: Int) {
        var firstChanged = Int.max
        let changed = seglab_new_bounds(rows, m, found, best, second, error, travelled, travelledMax, labels,
                                        UnsafeMutableRawPointer(bounds).assumingMemoryBound(to: Float.self), touched, &firstChanged)
        return (changed, firstChanged)
    }
}
