/// One dense layer as `model.json` stores it: its shape, activation and every parameter
/// (written as shortest round-trip decimals, so decoding gives back the same bits).
public struct DenseLayerWeights: Codable, Sendable, Equatable {
    public var inputs: Int
    public var outputs: Int
    public var relu: Bool
    /// inputs × outputs, row-major.
    public var weights: [Double]
    public var bias: [Double]

    public init(inputs: Int, outputs: Int, relu: Bool, weights: [Double], bias: [Double]) {
        self.inputs = inputs; self.outputs = outputs; self.relu = relu; self.weights = weights; self.bias = bias
    }
}

/// A stored network that does not fit together.
public struct NetworkShapeError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension DenseNetwork {
    /// The layers of this network with their parameters from `theta`.
    public func weights(_ theta: [NeuralFloat]) -> [DenseLayerWeights] {
        precondition(theta.count == parameterCount)
        return layers.map { l in
            DenseLayerWeights(inputs: l.inputs, outputs: l.outputs, relu: l.relu,
                              weights: theta[l.weightOffset ..< l.biasOffset].map { Double($0) },
                              bias: theta[l.biasOffset ..< l.end].map { Double($0) })
        }
    }

    /// The network and parameters of stored layers; throws when the shapes do not chain or a
    /// parameter count is wrong.
    public static func from(_ stored: [DenseLayerWeights]) throws -> (network: DenseNetwork, theta: [NeuralFloat]) {
        guard let first = stored.first else { throw NetworkShapeError(description: "a network needs at least one layer") }
        for (l, layer) in stored.enumerated() {
            guard layer.inputs >= 1, layer.outputs >= 1, layer.weights.count == layer.inputs * layer.outputs,
                  layer.bias.count == layer.outputs else {
                throw NetworkShapeError(description: "layer \(l): \(layer.weights.count) weights and \(layer.bias.count) biases do not fit \(layer.inputs) × \(layer.outputs)")
            }
            if l > 0, layer.inputs != stored[l - 1].outputs {
                throw NetworkShapeError(description: "layer \(l) takes \(layer.inputs) inputs but layer \(l - 1) gives \(stored[l - 1].outputs)")
            }
        }
        let network = DenseNetwork(widths: [first.inputs] + stored.map(\.outputs), relu: stored.map(\.relu))
        return (network, stored.flatMap { ($0.weights + $0.bias).map { NeuralFloat($0) } })
    }
}
