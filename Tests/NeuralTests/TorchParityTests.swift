import Foundation
import XCTest
import SeglabNumerics
import SeglabTestSupport
@testable import SeglabNeural

/// Parity with PyTorch on the same data, network and batches (Fixtures/make_torch_parity.py):
/// the first 300 customers of `../shared/reference/customers_5k.csv`, the autoencoder
/// 5-9-6-3-6-9-5 from PyTorch's own initial weights, six Adam steps on the MSE, then DEC's
/// target P and three SGD-with-momentum steps on KL(P‖Q) for the encoder and 4 centres.
///
/// PyTorch computed in Float64 from the same Float32 starting values, so the differences are
/// our Float32 rounding alone: ~1e-7 relative per operation, grown over a few steps. Named
/// tolerances, relative to the largest magnitude of each compared vector, about ten times the
/// differences measured: gradients, target P and MSE losses 2e-6 (measured ≤ 2.7e-7);
/// parameters after the steps 2e-5 (measured 1.6e-6: Adam divides by √v, which turns the
/// rounding of a small gradient into a larger difference of its step); DEC's KL losses 5e-5
/// (measured 4.7e-6: Σ p log(p/q) with p close to q cancels most digits). In a Float64 build
/// (`-DSEGLAB_NEURAL_FLOAT64`) all 1e-9.
final class TorchParityTests: XCTestCase {
    private struct Fixture: Decodable {
        let rows: Int, hidden: [Int], latent: Int, k: Int, batches: [[Int]]
        let ae_initial: [Double], ae_first_gradient: [Double], ae_losses: [Double], ae_final: [Double]
        let dec_initial: [Double], dec_target: [Double], dec_first_gradient: [Double], dec_losses: [Double], dec_final: [Double]
    }

    private let float64 = NeuralFloat.self == Double.self
    private var gradientTolerance: Double { float64 ? 1e-9 : 2e-6 }
    private var parameterTolerance: Double { float64 ? 1e-9 : 2e-5 }
    private var klLossTolerance: Double { float64 ? 1e-9 : 5e-5 }

    private func load() throws -> (Fixture, Matrix) {
        try SharedFixtures.require("reference/customers_5k.csv")
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/expected_torch_parity.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let x = try SharedFixtures.referenceDataset("customers_5k").x.selectingRows(Array(0 ..< fixture.rows))
        return (fixture, x)
    }

    /// max |produced − expected| ≤ tolerance · max |expected|.
    private func assertClose(_ produced: [Double], _ expected: [Double], _ tolerance: Double, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(produced.count, expected.count, what, file: file, line: line)
        let scale = expected.map(abs).max()!
        let worst = zip(produced, expected).map { abs($0 - $1) }.max()!
        XCTAssertLessThanOrEqual(worst, tolerance * scale, "\(what): largest difference \(worst) of a scale \(scale)", file: file, line: line)
    }

    /// The rows of `x` as the networks read them.
    private func rows(_ x: Matrix) -> [NeuralFloat] { x.storage.map { NeuralFloat($0) } }

    func testAutoencoderGradientAndAdamStepsMatchPyTorch() throws {
        let (fixture, x) = try load()
        var rng = Xoshiro256StarStar(seed: 0)
        let network = Autoencoder(inputs: x.cols, hidden: fixture.hidden, latent: fixture.latent, rng: &rng).network
        var theta = fixture.ae_initial.map { NeuralFloat($0) }
        XCTAssertEqual(theta.count, network.parameterCount)
        let input = rows(x), d = x.cols
        let engine = BatchGradient(network: network, maxRows: 128)
        var adam = Adam(parameters: theta.count, learningRate: 0.01)
        var losses = [Double]()
        for (step, bounds) in (fixture.batches + fixture.batches).enumerated() {
            let n = bounds[1] - bounds[0]
            let sse = theta.withUnsafeMutableBufferPointer { tb in
                input.withUnsafeBufferPointer { xb in
                    let batch = xb.baseAddress! + bounds[0] * d
                    let sse = engine.compute(tb.baseAddress!, batch: batch, count: n) { chunk, output, delta, _ in
                        MeanSquaredError.gradient(output, target: batch + chunk.lowerBound * d, count: chunk.count * d,
                                                  scale: NeuralFloat(2) / NeuralFloat(n * d), into: delta)
                    }
                    if step == 0 {
                        assertClose(engine.gradient.map { Double($0) }, fixture.ae_first_gradient, gradientTolerance, "first gradient")
                    }
                    adam.step(tb.baseAddress!, gradient: engine.gradient.baseAddress!)
                    return sse
                }
            }
            losses.append(sse / Double(n * d))
        }
        assertClose(losses, fixture.ae_losses, gradientTolerance, "losses")
        assertClose(theta.map { Double($0) }, fixture.ae_final, parameterTolerance, "parameters after 6 Adam steps")
    }

    func testDECTargetKLGradientAndSGDStepsMatchPyTorch() throws {
        let (fixture, x) = try load()
        var rng = Xoshiro256StarStar(seed: 0)
        let encoder = Autoencoder(inputs: x.cols, hidden: fixture.hidden, latent: fixture.latent, rng: &rng).encoder
        let k = fixture.k, latent = fixture.latent, count = encoder.parameterCount
        var theta = fixture.dec_initial.map { NeuralFloat($0) }
        XCTAssertEqual(theta.count, count + k * latent)

        // The target from every row, as DEC's target updates compute it (Float64 after the encoder).
        let codes = encoder.forward(Array(theta[..<count]), x)
        let centers = Matrix(rows: k, cols: latent, storage: theta[count...].map { Double($0) })
        let p = StudentTAssignment.target(StudentTAssignment.soft(codes, centers: centers))
        assertClose(Array(p.storage), fixture.dec_target, gradientTolerance, "target P")

        let input = rows(x), d = x.cols
        let engine = BatchGradient(network: encoder, maxRows: 128, extraParameters: k * latent)
        var sgd = SGDMomentum(parameters: theta.count, learningRate: 0.01)
        var q = [NeuralFloat](repeating: 0, count: 128 * k), t = q
        var losses = [Double]()
        for (step, bounds) in fixture.batches.enumerated() {
            let n = bounds[1] - bounds[0]
            let target = p.storage[bounds[0] * k ..< bounds[1] * k].map { NeuralFloat($0) }
            let loss = theta.withUnsafeMutableBufferPointer { tb in
                let tp = tb.baseAddress!
                return input.withUnsafeBufferPointer { xb in
                    q.withUnsafeMutableBufferPointer { qs in
                        t.withUnsafeMutableBufferPointer { ts in
                            target.withUnsafeBufferPointer { pb in
                                let qp = qs.baseAddress!, tq = ts.baseAddress!  // the loss closure escapes: no inout captures
                                let loss = engine.compute(tp, batch: xb.baseAddress! + bounds[0] * d, count: n) { chunk, z, dz, dCenters in
                                    let o = chunk.lowerBound * k
                                    return StudentTAssignment.klGradient(
                                        z, rows: chunk.count, dims: latent, centers: tp + count, k: k, target: pb.baseAddress! + o,
                                        batchRows: n, q: qp + o, t: tq + o, dz: dz, dCenters: dCenters)
                                }
                                if step == 0 {
                                    assertClose(engine.gradient.map { Double($0) }, fixture.dec_first_gradient, gradientTolerance, "first gradient")
                                }
                                sgd.step(tp, gradient: engine.gradient.baseAddress!)
                                return loss
                            }
                        }
                    }
                }
            }
            losses.append(loss)
        }
        assertClose(losses, fixture.dec_losses, klLossTolerance, "losses")
        assertClose(theta.map { Double($0) }, fixture.dec_final, parameterTolerance, "encoder and centres after 3 SGD steps")
    }
}
