import Foundation
import XCTest
import SeglabNumerics
@testable import SeglabNeural

final class AutoencoderTests: XCTestCase {
    /// 1,000 rows of 6 features on a 2-dimensional curve plus a little noise: an autoencoder
    /// with a latent width of 2 can reconstruct them well.
    private func curve(rows: Int = 1000) -> Matrix {
        var rng = Xoshiro256StarStar(seed: 11)
        var x = Matrix(rows: rows, cols: 6)
        for i in 0 ..< rows {
            let u = rng.nextDouble() * 2 - 1, v = rng.nextDouble() * 2 - 1
            let row = [u, v, u * v, u + v, u - 0.5 * v, v * v]
            for f in 0 ..< 6 { x[i, f] = row[f] + 0.01 * rng.nextGaussian() }
        }
        return x
    }

    private func train(_ x: Matrix, epochs: Int = 8, batchSize: Int = 64, workers: Int? = nil) -> (Autoencoder, [Double]) {
        var initRNG = Xoshiro256StarStar(seed: 1, stream: "ae.init"), shuffle = Xoshiro256StarStar(seed: 1, stream: "ae.shuffle")
        var ae = Autoencoder(inputs: x.cols, hidden: [16, 8], latent: 2, rng: &initRNG)
        var losses = [Double]()
        ae.train(x, epochs: epochs, batchSize: batchSize, learningRate: 0.01, workers: workers, rng: &shuffle) { _, loss in losses.append(loss) }
        return (ae, losses)
    }

    func testTrainingReducesTheReconstructionError() {
        let x = curve()
        let (ae, losses) = train(x, epochs: 30)
        let variance = Kernels.columnVariances(x).reduce(0, +) / 6
        XCTAssertLessThan(losses.last!, losses.first! / 4, "\(losses)")
        // Well below the data's variance (what predicting the mean would give).
        XCTAssertLessThan(ae.reconstructionLoss(x), 0.05 * variance)
        XCTAssertEqual(ae.encode(x).cols, 2)
    }

    /// The chunks are fixed and combined in order: one thread, two threads, or Dispatch's
    /// choice give the same bits. Batches of 256 rows are 4 chunks of the gradient (the last
    /// batch of 52 rows one), and 2,100 rows are 3 chunks of the whole-data passes, so the
    /// ordered combines are what is compared.
    func testTrainingIsBitIdenticalOnAnyNumberOfThreads() {
        let x = curve(rows: 2100)
        XCTAssertEqual(Parallel.chunkRanges(count: 256, chunkSize: BatchGradient.chunkRows).count, 4)
        XCTAssertEqual(Parallel.chunkRanges(count: x.rows, chunkSize: DenseNetwork.passRows).count, 3)
        var results = [[UInt64]]()
        for workers in [1, 2, nil] as [Int?] {
            let (ae, losses) = train(x, epochs: 2, batchSize: 256, workers: workers)
            results.append(ae.parameters.map { UInt64($0.bitPattern) } + ae.encode(x, workers: workers).storage.map(\.bitPattern)
                           + (losses + [ae.reconstructionLoss(x, workers: workers)]).map(\.bitPattern))
        }
        XCTAssertEqual(results[0], results[1])
        XCTAssertEqual(results[0], results[2])
    }

    /// `model.json` stores the weights as JSON numbers: decoding them gives back the same bits,
    /// so the decoded network computes the same codes.
    func testStoredWeightsRoundTripExactly() throws {
        let x = curve(rows: 300)
        let (ae, _) = train(x, epochs: 2)
        let stored = ae.encoder.weights(ae.encoderParameters)
        let json = try JSONEncoder().encode(stored)
        let (network, theta) = try DenseNetwork.from(try JSONDecoder().decode([DenseLayerWeights].self, from: json))
        XCTAssertEqual(network, ae.encoder)
        XCTAssertEqual(theta.map(\.bitPattern), ae.encoderParameters.map(\.bitPattern))
        XCTAssertEqual(network.forward(theta, x), ae.encode(x))

        var broken = stored
        broken[1].bias.removeLast()
        XCTAssertThrowsError(try DenseNetwork.from(broken))
        broken = stored
        broken[1] = DenseLayerWeights(inputs: 3, outputs: 1, relu: false, weights: [1, 2, 3], bias: [0])
        XCTAssertThrowsError(try DenseNetwork.from(broken))
    }

    func testGlorotUniformBoundsAndZeroBiases() {
        let net = DenseNetwork(widths: [8, 64, 4], relu: [true, false])
        var rng = Xoshiro256StarStar(seed: 2)
        let theta = net.glorotUniform(rng: &rng)
        for layer in net.layers {
            let limit = (6 / Double(layer.inputs + layer.outputs)).squareRoot()
            let w = theta[layer.weightOffset ..< layer.biasOffset].map { Double($0) }
            XCTAssertTrue(w.allSatisfy { abs($0) <= limit })
            XCTAssertGreaterThan(w.map(abs).max()!, 0.9 * limit)  // the whole range is used
            XCTAssertTrue(theta[layer.biasOffset ..< layer.end].allSatisfy { $0 == 0 })
        }
    }
}
