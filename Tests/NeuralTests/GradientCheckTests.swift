import XCTest
import SeglabNumerics
@testable import SeglabNeural

/// The backward passes against central finite differences of the functions they differentiate.
///
/// The losses are evaluated for the differences by plain Float64 reference code written here
/// (dense layers, ReLU, MSE, Student's t / KL), at the network's own parameters, with
/// h = 1e-6: truncation O(h²) and rounding O(1e-16 / h) leave the differences good to ~1e-9.
/// The analytic gradients come from the production kernels in `NeuralFloat`: in Float32 their
/// own rounding (a few ulps, 6e-8 each, over sums of ~100 terms) allows 2e-4 relative; in a
/// Float64 build 1e-6. The same reference forward pass checks the production forward pass.
final class GradientCheckTests: XCTestCase {
    private let h = 1e-6
    private let relative = NeuralFloat.self == Double.self ? 1e-6 : 2e-4

    private func assertClose(_ analytic: Double, _ numeric: Double, scale: Double, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(analytic, numeric, accuracy: relative * max(abs(numeric), scale), what, file: file, line: line)
    }

    private func gaussian(_ count: Int, seed: UInt64, scale: Double = 1) -> [Double] {
        var rng = Xoshiro256StarStar(seed: seed)
        return (0 ..< count).map { _ in Double(NeuralFloat(rng.nextGaussian() * scale)) }
    }

    /// The network's output by the definition: y = relu?(x·W + b) layer by layer, in Float64.
    private func referenceForward(_ net: DenseNetwork, _ theta: [Double], _ x: [Double], rows: Int) -> [Double] {
        var a = x
        for layer in net.layers {
            var out = [Double](repeating: 0, count: rows * layer.outputs)
            for i in 0 ..< rows {
                for j in 0 ..< layer.outputs {
                    var s = theta[layer.biasOffset + j]
                    for k in 0 ..< layer.inputs { s += a[i * layer.inputs + k] * theta[layer.weightOffset + k * layer.outputs + j] }
                    out[i * layer.outputs + j] = layer.relu ? max(0, s) : s
                }
            }
            a = out
        }
        return a
    }

    private func referenceMSE(_ net: DenseNetwork, _ theta: [Double], _ x: [Double], rows: Int, target: [Double]) -> Double {
        let y = referenceForward(net, theta, x, rows: rows)
        return zip(y, target).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(y.count)
    }

    /// Every parameter of every layer kind: ReLU hidden layers, a linear layer in the middle,
    /// widths below, at and above the SIMD blocks (3, 4, 6, 9, 13), a ReLU output layer, and
    /// more rows than one chunk (so the chunks' combine is checked too).
    func testDenseLayersAndMSEAgainstFiniteDifferences() {
        let net = DenseNetwork(widths: [5, 13, 4, 3, 9, 6], relu: [true, false, true, false, true])
        var rng = Xoshiro256StarStar(seed: 3, stream: "init")
        // Non-zero biases, so every bias gradient is exercised away from the initial point.
        let theta = net.glorotUniform(rng: &rng).enumerated().map { NeuralFloat(Double($0.element) + 0.05 * Double($0.offset % 7 - 3)) }
        let rows = BatchGradient.chunkRows + 13
        let x = gaussian(rows * net.inputs, seed: 4)
        let target = gaussian(rows * net.outputs, seed: 5)

        let produced = net.forward(theta, Matrix(rows: rows, cols: net.inputs, storage: x)).storage
        let thetaD = theta.map { Double($0) }
        for (p, r) in zip(produced, referenceForward(net, thetaD, x, rows: rows)) { assertClose(p, r, scale: 1, "forward") }

        let engine = BatchGradient(network: net, maxRows: rows)
        let input = x.map { NeuralFloat($0) }, t = target.map { NeuralFloat($0) }
        let scale = NeuralFloat(2) / NeuralFloat(rows * net.outputs)
        let sse = theta.withUnsafeBufferPointer { tb in
            input.withUnsafeBufferPointer { xb in
                t.withUnsafeBufferPointer { targetBuffer in
                    engine.compute(tb.baseAddress!, batch: xb.baseAddress!, count: rows) { chunk, output, delta, _ in
                        MeanSquaredError.gradient(output, target: targetBuffer.baseAddress! + chunk.lowerBound * net.outputs,
                                                  count: chunk.count * net.outputs, scale: scale, into: delta)
                    }
                }
            }
        }
        assertClose(sse / Double(rows * net.outputs), referenceMSE(net, thetaD, x, rows: rows, target: target), scale: 1, "loss")
        let gradient = Array(engine.gradient).map { Double($0) }
        let largest = gradient.map(abs).max()!
        for p in 0 ..< net.parameterCount {
            var plus = thetaD, minus = thetaD
            plus[p] += h; minus[p] -= h
            let numeric = (referenceMSE(net, plus, x, rows: rows, target: target) - referenceMSE(net, minus, x, rows: rows, target: target)) / (2 * h)
            assertClose(gradient[p], numeric, scale: largest, "parameter \(p)")
        }
    }

    func testMSEGradientIsTwiceTheResidualOverTheElementCount() {
        let out: [NeuralFloat] = [1, 2, 3, 4], target: [NeuralFloat] = [0.5, 2, 5, 3]
        var delta = [NeuralFloat](repeating: 0, count: 4)
        let sse = MeanSquaredError.gradient(out, target: target, count: 4, scale: 2.0 / 4, into: &delta)
        XCTAssertEqual(sse, 0.25 + 0 + 4 + 1)
        XCTAssertEqual(delta, [0.25, 0, -1, 0.5])
    }

    /// KL(P‖Q) with P fixed, against finite differences in every code and centre coordinate.
    func testKLDivergenceAgainstFiniteDifferences() {
        let rows = 7, dims = 3, k = 4, batch = 10
        let z = gaussian(rows * dims, seed: 6)
        let centers = gaussian(k * dims, seed: 7, scale: 1.5)
        var p = gaussian(rows * k, seed: 8).map { abs($0) + 0.01 }
        for i in 0 ..< rows {
            let s = p[i * k ..< (i + 1) * k].reduce(0, +)
            for j in 0 ..< k { p[i * k + j] = Double(NeuralFloat(p[i * k + j] / s)) }
        }
        p[5] = 0  // a zero target adds nothing to the loss
        /// L = (1/B) Σ p log(p/q) by the definition, in Float64.
        func reference(_ z: [Double], _ c: [Double]) -> Double {
            var total = 0.0
            for i in 0 ..< rows {
                var t = [Double](), s = 0.0
                for j in 0 ..< k {
                    var d2 = 0.0
                    for f in 0 ..< dims { d2 += (z[i * dims + f] - c[j * dims + f]) * (z[i * dims + f] - c[j * dims + f]) }
                    t.append(1 / (1 + d2)); s += 1 / (1 + d2)
                }
                for j in 0 ..< k where p[i * k + j] > 0 { total += p[i * k + j] * log(p[i * k + j] / (t[j] / s)) }
            }
            return total / Double(batch)
        }
        let zf = z.map { NeuralFloat($0) }, cf = centers.map { NeuralFloat($0) }, pf = p.map { NeuralFloat($0) }
        var q = [NeuralFloat](repeating: 0, count: rows * k), t = q
        var dz = [NeuralFloat](repeating: 0, count: rows * dims), dc = [NeuralFloat](repeating: 0, count: k * dims)
        let loss = StudentTAssignment.klGradient(zf, rows: rows, dims: dims, centers: cf, k: k, target: pf, batchRows: batch,
                                                 q: &q, t: &t, dz: &dz, dCenters: &dc)
        assertClose(loss, reference(z, centers), scale: 1, "loss")
        let largest = (dz + dc).map { abs(Double($0)) }.max()!
        for e in 0 ..< z.count {
            var a = z, b = z
            a[e] += h; b[e] -= h
            assertClose(Double(dz[e]), (reference(a, centers) - reference(b, centers)) / (2 * h), scale: largest, "code \(e)")
        }
        for e in 0 ..< centers.count {
            var a = centers, b = centers
            a[e] += h; b[e] -= h
            assertClose(Double(dc[e]), (reference(z, a) - reference(z, b)) / (2 * h), scale: largest, "centre \(e)")
        }
    }

    /// The target distribution and argmax against their definitions on a hand-sized Q.
    func testTargetDistributionAndStrongestAssignment() {
        let q = Matrix(rowArrays: [[0.5, 0.3, 0.2], [0.1, 0.1, 0.8], [0.4, 0.4, 0.2]])
        let p = StudentTAssignment.target(q)
        let f = [1.0, 0.8, 1.2]
        for i in 0 ..< 3 {
            let w = (0 ..< 3).map { q[i, $0] * q[i, $0] / f[$0] }
            for j in 0 ..< 3 { XCTAssertEqual(p[i, j], w[j] / w.reduce(0, +), accuracy: 1e-15) }
        }
        let (labels, probability) = StudentTAssignment.strongest(q)
        XCTAssertEqual(labels, [0, 2, 0])  // a tie goes to the lower index
        XCTAssertEqual(probability, [0.5, 0.8, 0.4])
    }
}
