import SeglabNumerics

/// A dense autoencoder: encoder `inputs → hidden… → latent`, decoder mirrored
/// (`latent → …reversed hidden → inputs`), ReLU after every hidden layer, linear latent and
/// output; trained on the mean squared reconstruction error with Adam on mini-batches.
///
///     var initRNG = Xoshiro256StarStar(seed: s, stream: "ae.init")
///     var ae = Autoencoder(inputs: 8, hidden: [64, 32], latent: 4, rng: &initRNG)
///     var shuffle = Xoshiro256StarStar(seed: s, stream: "ae.shuffle")
///     try ae.train(x, epochs: 50, batchSize: 256, learningRate: 1e-3, rng: &shuffle) { epoch, loss in … }
///     let codes = ae.encode(x)
public struct Autoencoder: Sendable {
    /// Encoder and decoder as one network.
    public let network: DenseNetwork
    /// Its parameters; the encoder's are the first `encoder.parameterCount`.
    public var parameters: [NeuralFloat]
    /// Layers of the encoder (the first half of `network`).
    public let encoderLayers: Int

    /// Glorot-uniform weights from `rng`, zero biases.
    public init(inputs: Int, hidden: [Int], latent: Int, rng: inout Xoshiro256StarStar) {
        let widths = [inputs] + hidden + [latent] + hidden.reversed() + [inputs]
        let half = hidden.count + 1
        let relu = (0 ..< 2 * half).map { $0 != half - 1 && $0 != 2 * half - 1 }
        network = DenseNetwork(widths: widths, relu: relu)
        encoderLayers = half
        parameters = network.glorotUniform(rng: &rng)
    }

    public var encoder: DenseNetwork { network.prefix(encoderLayers) }
    public var encoderParameters: [NeuralFloat] { Array(parameters[..<encoder.parameterCount]) }
    /// The decoder's parameters, as a network of its own.
    public var decoder: (network: DenseNetwork, parameters: [NeuralFloat]) {
        let layers = network.layers[encoderLayers...]
        let net = DenseNetwork(widths: [layers.first!.inputs] + layers.map(\.outputs), relu: layers.map(\.relu))
        return (net, Array(parameters[encoder.parameterCount...]))
    }

    /// Trains for `epochs` epochs (batches from `MiniBatches`, shuffled by `rng`), calling
    /// `onEpoch(epoch, loss)` after each with the epoch's mean batch loss weighted by batch
    /// size (PyTorch's `Σ loss·len(batch) / n`); `onEpoch` may throw to stop. `workers` caps
    /// the threads (the result is the same).
    public mutating func train(_ x: Matrix, epochs: Int, batchSize: Int, learningRate: Double, workers: Int? = nil,
                               rng: inout Xoshiro256StarStar, onEpoch: (Int, Double) throws -> Void) rethrows {
        precondition(x.cols == network.inputs && x.rows >= 1 && epochs >= 1)
        let batches = MiniBatches(x, batchSize: batchSize)
        let engine = BatchGradient(network: network, maxRows: batches.batchSize, workers: workers)
        var adam = Adam(parameters: network.parameterCount, learningRate: learningRate)
        let d = x.cols
        for epoch in 1 ... epochs {
            var total = 0.0
            parameters.withUnsafeMutableBufferPointer { theta in
                batches.epoch(rng: &rng) { rows, indices in
                    let n = indices.count
                    let scale = NeuralFloat(2) / NeuralFloat(n * d)
                    let sse = engine.compute(theta.baseAddress!, batch: rows, count: n) { chunk, output, delta, _ in
                        MeanSquaredError.gradient(output, target: rows + chunk.lowerBound * d, count: chunk.count * d,
                                                  scale: scale, into: delta)
                    }
                    adam.step(theta.baseAddress!, gradient: engine.gradient.baseAddress!)
                    total += sse / Double(d)
                    return true
                }
            }
            try onEpoch(epoch, total / Double(x.rows))
        }
    }

    /// The latent codes of every row.
    public func encode(_ x: Matrix, workers: Int? = nil) -> Matrix {
        encoder.forward(encoderParameters, x, workers: workers)
    }

    /// Mean squared reconstruction error over every element of `x`.
    public func reconstructionLoss(_ x: Matrix, workers: Int? = nil) -> Double {
        let d = x.cols
        let partial = x.storage.withUnsafeBufferPointer { xs in
            network.mapOutputs(parameters, x, workers: workers) { rows, y in
                MeanSquaredError.sumOfSquares(y, target: xs.baseAddress! + rows.lowerBound * d, count: rows.count * d)
            }
        }
        return partial.reduce(0, +) / Double(x.rows * d)
    }
}
