/// Running per-group row sums and counts for one chunk of rows.
public struct GroupAccumulator: Sendable {
    /// groups × dims, row-major.
    public var sums: [Double]
    public var counts: [Int]
    public let dims: Int

    public init(groups: Int, dims: Int) {
        sums = [Double](repeating: 0, count: groups * dims)
        counts = [Int](repeating: 0, count: groups)
        self.dims = dims
    }

    /// Adds the rows in `rows` to their groups, in row order; negative labels are skipped.
    public mutating func add(_ x: Matrix, labels: UnsafePointer<Int>, rows: Range<Int>) {
        let d = dims
        x.storage.withUnsafeBufferPointer { xs in
            sums.withUnsafeMutableBufferPointer { sp in
                for i in rows {
                    let g = labels[i]
                    if g < 0 { continue }
                    counts[g] += 1
                    let r = xs.baseAddress! + i * d, s = sp.baseAddress! + g * d
                    for f in 0 ..< d { s[f] += r[f] }
                }
            }
        }
    }

    /// Adds another chunk's sums (callers merge chunks in chunk order).
    public mutating func merge(_ other: GroupAccumulator) {
        for j in sums.indices { sums[j] += other.sums[j] }
        for g in counts.indices { counts[g] += other.counts[g] }
    }
}
