import CSeglabKernels

extension Kernels {
    /// The bounds test of a bounded K-Means step (the C kernel `seglab_undecided`): row i of
    /// `rows` is decided when `bounds[i]` is above `thresholds[labels[i]]` in either lane. Writes
    /// the rows not decided to `undecided` in order and returns how many; `undecided` has room
    /// for `rows.count`.
    @inline(__always)
    public static func undecidedRows(bounds: UnsafePointer<SIMD2<Float>>, labels: UnsafePointer<Int32>,
                                     thresholds: UnsafePointer<SIMD2<Float>>, rows: Range<Int>,
                                     into undecided: UnsafeMutablePointer<Int>) -> Int {
        seglab_undecided(UnsafeRawPointer(bounds).assumingMemoryBound(to: Float.self), labels,
                         UnsafeRawPointer(thresholds).assumingMemoryBound(to: Float.self), rows.lowerBound, rows.count, undecided)
    }
}
