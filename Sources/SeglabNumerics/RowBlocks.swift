/// The rows of a matrix regrouped 8 at a time for SIMD across rows: lane j of
/// `storage[b * dims + f]` is feature f of row 8b + j. Lanes past the last row repeat it (so
/// they hold finite values); callers mask them with `validLanes(block:)`.
///
/// Per-row kernels whose work per row is a chain of small dependent steps (a Gaussian
/// log-density, a triangular solve) run 8 rows at once this way, each lane doing exactly
/// the arithmetic a scalar loop would for its row.
///
///     let blocks = RowBlocks(x)
///     for b in 0 ..< blocks.count { let f0 = blocks.storage[b * blocks.dims] }   // feature 0 of rows 8b ..< 8b+8
public struct RowBlocks: Sendable {
    public let rows: Int
    public let dims: Int
    /// Number of blocks, ⌈rows / 8⌉.
    public let count: Int
    public let storage: [SIMD8<Double>]

    public init(_ x: Matrix) {
        rows = x.rows
        dims = x.cols
        count = (x.rows + 7) / 8
        let d = dims, n = rows, blocks = count
        var storage = [SIMD8<Double>](repeating: .zero, count: blocks * d)
        if n > 0 {
            x.storage.withUnsafeBufferPointer { xs in
                storage.withUnsafeMutableBufferPointer { out in
                    for b in 0 ..< blocks {
                        for lane in 0 ..< 8 {
                            let row = xs.baseAddress! + min(b * 8 + lane, n - 1) * d
                            for f in 0 ..< d { out[b * d + f][lane] = row[f] }
                        }
                    }
                }
            }
        }
        self.storage = storage
    }

    /// Which lanes of block `b` are real rows.
    @inlinable
    public func validLanes(block b: Int) -> SIMDMask<SIMD8<Int64>> {
        SIMD8<Int64>(0, 1, 2, 3, 4, 5, 6, 7) .< SIMD8(repeating: Int64(rows - b * 8))
    }

    /// The blocks holding rows `rows` (a range whose bounds, but for the last, are multiples of 8).
    @inlinable
    public static func blocks(of rows: Range<Int>) -> Range<Int> {
        rows.lowerBound / 8 ..< (rows.upperBound + 7) / 8
    }
}
