import CSeglabKernels

extension Kernels {
    /// k-means++'s scores of its candidates over rows `rows`: per candidate t, Σ min(closest[i],
    /// distance of t to row i) in row order, where only the `m` rows in `listed` (ascending,
    /// within `rows`) have distances, `distances[t × m + j]` for `listed[j]`, and every other
    /// row contributes closest[i] (no candidate can come nearer to it). The C kernel
    /// `seglab_listed_potentials`: the candidates' sums side by side in vector lanes.
    public static func listedPotentials(closest: UnsafePointer<Double>, rows: Range<Int>, listed: UnsafePointer<Int>,
                                        count m: Int, distances: UnsafePointer<Double>, trials: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: trials)
        seglab_listed_potentials(closest, rows.lowerBound, rows.count, listed, m, distances, trials, &sums)
        return sums
    }
}
