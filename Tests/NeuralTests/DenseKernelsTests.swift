import XCTest
import SeglabNumerics
@testable import SeglabNeural

/// The blocked kernels compute the same bits as one scalar loop per element in the
/// documented order, whatever the shape: that is what makes a result independent of blocking.
final class DenseKernelsTests: XCTestCase {
    private func values(_ count: Int, seed: UInt64) -> [NeuralFloat] {
        var rng = Xoshiro256StarStar(seed: seed)
        return (0 ..< count).map { _ in NeuralFloat(rng.nextGaussian()) }
    }

    private let shapes = [(1, 1, 1), (3, 5, 4), (4, 8, 8), (7, 13, 9), (9, 3, 12), (64, 64, 32), (5, 32, 4), (6, 4, 64), (2, 7, 19)]

    func testMultiplyMatchesTheScalarOrderBitForBit() {
        for (r, m, n) in shapes {
            let a = values(r * m, seed: 1), b = values(m * n, seed: 2), bias = values(n, seed: 3), mask = values(r * n, seed: 4)
            for epilogue in 0 ..< 3 {
                var out = [NeuralFloat](repeating: .nan, count: r * n)
                mask.withUnsafeBufferPointer { mb in
                    let e: DenseKernels.Epilogue = epilogue == 0 ? .none : epilogue == 1 ? .relu : .mask(mb.baseAddress!)
                    DenseKernels.multiply(a, rows: r, inner: m, b, cols: n, bias: epilogue == 2 ? nil : bias, epilogue: e, into: &out)
                }
                for i in 0 ..< r {
                    for j in 0 ..< n {
                        var s: NeuralFloat = epilogue == 2 ? 0 : bias[j]
                        for k in 0 ..< m { s += a[i * m + k] * b[k * n + j] }
                        if epilogue == 1 { s = s < 0 ? 0 : s }
                        if epilogue == 2 && mask[i * n + j] <= 0 { s = 0 }
                        XCTAssertEqual(out[i * n + j].bitPattern, s.bitPattern, "\(r)×\(m)·\(m)×\(n) epilogue \(epilogue) at \(i),\(j)")
                    }
                }
            }
        }
    }

    func testTransposeMultiplyMatchesTheScalarOrderBitForBit() {
        for (r, m, n) in shapes {
            let a = values(r * m, seed: 5), d = values(r * n, seed: 6)
            var out = [NeuralFloat](repeating: .nan, count: m * n), sums = [NeuralFloat](repeating: .nan, count: n)
            DenseKernels.transposeMultiply(a, rows: r, cols: m, d, cols: n, into: &out, columnSums: &sums)
            for j in 0 ..< n {
                var s: NeuralFloat = 0
                for i in 0 ..< r { s += d[i * n + j] }
                XCTAssertEqual(sums[j].bitPattern, s.bitPattern)
                for k in 0 ..< m {
                    var g: NeuralFloat = 0
                    for i in 0 ..< r { g += a[i * m + k] * d[i * n + j] }
                    XCTAssertEqual(out[k * n + j].bitPattern, g.bitPattern, "\(r) rows, \(m)×\(n) at \(k),\(j)")
                }
            }
        }
    }
}
