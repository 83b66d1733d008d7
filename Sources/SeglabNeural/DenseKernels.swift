#if SEGLAB_NEURAL_FLOAT64
/// The scalar type of seglab's networks: Float64 in this build (`-Xswiftc -DSEGLAB_NEURAL_FLOAT64`).
public typealias NeuralFloat = Double
#else
/// The scalar type of seglab's networks: Float32, as PyTorch's defaults, at twice the
/// arithmetic per SSE instruction of Float64. Results are the same bits run to run and on
/// any number of threads either way (the order of every sum is fixed); README "Deep
/// clustering" has the measured speed and quality of both. Build with
/// `-Xswiftc -DSEGLAB_NEURAL_FLOAT64` for Float64.
public typealias NeuralFloat = Float
#endif

/// The matrix products of dense layers, over contiguous row-major storage.
///
/// Every output element is one sum in a fixed order — `init + a[0]·b[0] + a[1]·b[1] + …`,
/// each product rounded before it is added (`swiftc` never contracts into FMA) — so a SIMD
/// lane computes the very bits a scalar loop would, and results do not depend on how rows
/// and columns are blocked. Register blocks: 4 rows × one vector of columns (`Lanes`, then
/// `HalfLanes` for what is left, then scalars).
public enum DenseKernels {
    #if SEGLAB_NEURAL_FLOAT64
    public typealias Lanes = SIMD4<NeuralFloat>
    public typealias HalfLanes = SIMD2<NeuralFloat>
    #else
    /// Columns per register block: two SSE registers.
    public typealias Lanes = SIMD8<NeuralFloat>
    /// Columns per register block once fewer than `Lanes` are left (e.g. a latent layer of 4).
    public typealias HalfLanes = SIMD4<NeuralFloat>
    #endif

    /// What happens to a product before it is stored.
    public enum Epilogue {
        case none
        /// max(0, value): a ReLU layer's output.
        case relu
        /// Zero where `mask` (same shape as the output) is ≤ 0: the gradient through a ReLU
        /// whose output was `mask`.
        case mask(UnsafePointer<NeuralFloat>)
    }

    @inline(__always)
    static func load<V: SIMD>(_ p: UnsafePointer<NeuralFloat>, as _: V.Type) -> V where V.Scalar == NeuralFloat {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always)
    static func store<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<NeuralFloat>) where V.Scalar == NeuralFloat {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// Applies `epilogue` to `count` stored elements, a `Lanes` vector at a time (a pass of
    /// its own: the kernels' column blocks are generic, and a generic SIMD select is slow).
    @inline(__always)
    static func apply(_ epilogue: Epilogue, to out: UnsafeMutablePointer<NeuralFloat>, count: Int) {
        let vectorEnd = count - count % Lanes.scalarCount
        switch epilogue {
        case .none:
            return
        case .relu:
            for e in stride(from: 0, to: vectorEnd, by: Lanes.scalarCount) {
                let v = load(out + e, as: Lanes.self)
                store(v.replacing(with: 0, where: v .< 0), out + e)
            }
            for e in vectorEnd ..< count where out[e] < 0 { out[e] = 0 }
        case .mask(let m):
            for e in stride(from: 0, to: vectorEnd, by: Lanes.scalarCount) {
                store(load(out + e, as: Lanes.self).replacing(with: 0, where: load(m + e, as: Lanes.self) .<= 0), out + e)
            }
            for e in vectorEnd ..< count where m[e] <= 0 { out[e] = 0 }
        }
    }

    /// `out[r×n] = epilogue(bias + a[r×m] · b[m×n])`, each element summed over `k` in order
    /// from the bias (or 0).
    public static func multiply(_ a: UnsafePointer<NeuralFloat>, rows: Int, inner m: Int,
                                _ b: UnsafePointer<NeuralFloat>, cols n: Int, bias: UnsafePointer<NeuralFloat>?,
                                epilogue: Epilogue, into out: UnsafeMutablePointer<NeuralFloat>) {
        var j = multiplyColumns(Lanes.self, from: 0, a, rows: rows, inner: m, b, cols: n, bias: bias, into: out)
        j = multiplyColumns(HalfLanes.self, from: j, a, rows: rows, inner: m, b, cols: n, bias: bias, into: out)
        for i in 0 ..< rows {
            let ar = a + i * m
            for jj in j ..< n {
                var c = bias?[jj] ?? 0
                var bp = b + jj
                for k in 0 ..< m {
                    c += ar[k] * bp.pointee
                    bp += n
                }
                out[i * n + jj] = c
            }
        }
        apply(epilogue, to: out, count: rows * n)
    }

    /// The column blocks of `multiply` that fit a `V` from column `j0` on; returns the first
    /// column left.
    @inline(__always)
    private static func multiplyColumns<V: SIMD>(_: V.Type, from j0: Int, _ a: UnsafePointer<NeuralFloat>, rows: Int,
                                                 inner m: Int, _ b: UnsafePointer<NeuralFloat>, cols n: Int,
                                                 bias: UnsafePointer<NeuralFloat>?, into out: UnsafeMutablePointer<NeuralFloat>) -> Int where V.Scalar == NeuralFloat {
        let w = V.scalarCount
        var j = j0
        while j + w <= n {
            let start = bias.map { load($0 + j, as: V.self) } ?? V()
            var i = 0
            while i + 4 <= rows {
                let a0 = a + i * m, a1 = a0 + m, a2 = a1 + m, a3 = a2 + m
                var c0 = start, c1 = start, c2 = start, c3 = start
                var bp = b + j
                for k in 0 ..< m {
                    let bv = load(bp, as: V.self)
                    c0 += V(repeating: a0[k]) * bv
                    c1 += V(repeating: a1[k]) * bv
                    c2 += V(repeating: a2[k]) * bv
                    c3 += V(repeating: a3[k]) * bv
                    bp += n
                }
                let o = i * n + j
                store(c0, out + o)
                store(c1, out + o + n)
                store(c2, out + o + 2 * n)
                store(c3, out + o + 3 * n)
                i += 4
            }
            while i < rows {
                let ar = a + i * m
                var c = start
                var bp = b + j
                for k in 0 ..< m {
                    c += V(repeating: ar[k]) * load(bp, as: V.self)
                    bp += n
                }
                store(c, out + i * n + j)
                i += 1
            }
            j += w
        }
        return j
    }

    /// `out[m×n] = aᵀ · d` for `a` r×m and `d` r×n (a weight gradient), each element summed
    /// over the rows in order from 0; and, when `columnSums` is given, `columnSums[n] = Σ_rows d`
    /// (the bias gradient) in row order.
    public static func transposeMultiply(_ a: UnsafePointer<NeuralFloat>, rows: Int, cols m: Int,
                                         _ d: UnsafePointer<NeuralFloat>, cols n: Int,
                                         into out: UnsafeMutablePointer<NeuralFloat>,
                                         columnSums: UnsafeMutablePointer<NeuralFloat>?) {
        var j = outerColumns(Lanes.self, from: 0, a, rows: rows, cols: m, d, cols: n, into: out, columnSums: columnSums)
        j = outerColumns(HalfLanes.self, from: j, a, rows: rows, cols: m, d, cols: n, into: out, columnSums: columnSums)
        for jj in j ..< n {
            for k in 0 ..< m {
                var g: NeuralFloat = 0
                for i in 0 ..< rows { g += a[i * m + k] * d[i * n + jj] }
                out[k * n + jj] = g
            }
            if let sums = columnSums {
                var s: NeuralFloat = 0
                for i in 0 ..< rows { s += d[i * n + jj] }
                sums[jj] = s
            }
        }
    }

    /// The column blocks of `transposeMultiply` that fit a `V` from column `j0` on; returns
    /// the first column left.
    @inline(__always)
    private static func outerColumns<V: SIMD>(_: V.Type, from j0: Int, _ a: UnsafePointer<NeuralFloat>, rows: Int,
                                              cols m: Int, _ d: UnsafePointer<NeuralFloat>, cols n: Int,
                                              into out: UnsafeMutablePointer<NeuralFloat>,
                                              columnSums: UnsafeMutablePointer<NeuralFloat>?) -> Int where V.Scalar == NeuralFloat {
        let w = V.scalarCount
        var j = j0
        while j + w <= n {
            var k = 0
            while k + 4 <= m {
                var g0 = V(), g1 = V(), g2 = V(), g3 = V()
                var dp = d + j, ar = a + k
                for _ in 0 ..< rows {
                    let dv = load(dp, as: V.self)
                    g0 += V(repeating: ar[0]) * dv
                    g1 += V(repeating: ar[1]) * dv
                    g2 += V(repeating: ar[2]) * dv
                    g3 += V(repeating: ar[3]) * dv
                    dp += n
                    ar += m
                }
                store(g0, out + k * n + j)
                store(g1, out + (k + 1) * n + j)
                store(g2, out + (k + 2) * n + j)
                store(g3, out + (k + 3) * n + j)
                k += 4
            }
            while k < m {
                var g = V()
                var dp = d + j, ar = a + k
                for _ in 0 ..< rows {
                    g += V(repeating: ar[0]) * load(dp, as: V.self)
                    dp += n
                    ar += m
                }
                store(g, out + k * n + j)
                k += 1
            }
            if let sums = columnSums {
                var s = V()
                var dp = d + j
                for _ in 0 ..< rows {
                    s += load(dp, as: V.self)
                    dp += n
                }
                store(s, sums + j)
            }
            j += w
        }
        return j
    }

    /// `out[n×m] = aᵀ` for `a` m×n.
    public static func transpose(_ a: UnsafePointer<NeuralFloat>, rows m: Int, cols n: Int,
                                 into out: UnsafeMutablePointer<NeuralFloat>) {
        for r in 0 ..< m { for c in 0 ..< n { out[c * m + r] = a[r * n + c] } }
    }
}
