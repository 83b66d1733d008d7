import SeglabNumerics

/// A stack of dense layers whose parameters live in one flat vector, layer after layer: the
/// weights (inputs × outputs, row-major), then the bias. A prefix of the layers (an
/// autoencoder's encoder) owns a prefix of the vector, so one optimiser can train either.
///
///     let net = DenseNetwork(widths: [8, 64, 32, 4], relu: [true, true, false])
///     var rng = Xoshiro256StarStar(seed: 1, stream: "ae.init")
///     let theta = net.glorotUniform(rng: &rng)
///     let codes = net.forward(theta, x)          // n × 4
public struct DenseNetwork: Sendable, Equatable {
    /// One layer's shape and where its parameters are.
    public struct Layer: Sendable, Equatable {
        public let inputs: Int
        public let outputs: Int
        /// Whether a ReLU follows (otherwise the layer is linear).
        public let relu: Bool
        public let weightOffset: Int
        public var biasOffset: Int { weightOffset + inputs * outputs }
        public var end: Int { biasOffset + outputs }
    }

    public let layers: [Layer]

    /// `widths[0]` inputs, then each layer's outputs; `relu[l]` says whether layer `l` is
    /// followed by a ReLU.
    public init(widths: [Int], relu: [Bool]) {
        precondition(widths.count >= 2 && relu.count == widths.count - 1 && widths.allSatisfy { $0 >= 1 })
        var offset = 0
        var layers = [Layer]()
        for l in 0 ..< relu.count {
            let layer = Layer(inputs: widths[l], outputs: widths[l + 1], relu: relu[l], weightOffset: offset)
            layers.append(layer)
            offset = layer.end
        }
        self.layers = layers
    }

    public var inputs: Int { layers[0].inputs }
    public var outputs: Int { layers[layers.count - 1].outputs }
    public var parameterCount: Int { layers[layers.count - 1].end }
    public var widest: Int { layers.map { max($0.inputs, $0.outputs) }.max()! }

    /// The first `count` layers, whose parameters are the first `prefix(count).parameterCount`
    /// of this network's.
    public func prefix(_ count: Int) -> DenseNetwork {
        precondition(count >= 1 && count <= layers.count)
        return DenseNetwork(widths: [inputs] + layers[..<count].map(\.outputs), relu: layers[..<count].map(\.relu))
    }

    /// Glorot-uniform weights (Glorot & Bengio 2010: U(−a, a), a = √(6 / (inputs + outputs))),
    /// drawn layer by layer in row-major order as `(2u − 1)·a` from `rng`; zero biases (as Keras).
    public func glorotUniform(rng: inout Xoshiro256StarStar) -> [NeuralFloat] {
        var theta = [NeuralFloat](repeating: 0, count: parameterCount)
        for layer in layers {
            let a = (6 / Double(layer.inputs + layer.outputs)).squareRoot()
            for p in layer.weightOffset ..< layer.biasOffset { theta[p] = NeuralFloat((2 * rng.nextDouble() - 1) * a) }
        }
        return theta
    }

    /// Forward pass over `rows` rows of `input` (rows × inputs): every layer's output goes to
    /// `activations[l]` (rows × outputs_l).
    public func forward(_ theta: UnsafePointer<NeuralFloat>, input: UnsafePointer<NeuralFloat>, rows: Int,
                        activations: [UnsafeMutablePointer<NeuralFloat>]) {
        var x = input
        for (l, layer) in layers.enumerated() {
            DenseKernels.multiply(x, rows: rows, inner: layer.inputs, theta + layer.weightOffset, cols: layer.outputs,
                                  bias: theta + layer.biasOffset, epilogue: layer.relu ? .relu : .none,
                                  into: activations[l])
            x = UnsafePointer(activations[l])
        }
    }

    /// Backward pass after `forward`: from `delta` (rows × outputs, ∂loss/∂output; overwritten)
    /// writes ∂loss/∂θ of every layer into `gradient` (same layout as θ). `transposed` holds
    /// every layer's weights transposed (`transposeWeights`); `scratch` has room for
    /// rows × `widest`. A ReLU passes the gradient where its output is > 0 (0 at 0, as PyTorch).
    public func backward(transposed: UnsafePointer<NeuralFloat>, input: UnsafePointer<NeuralFloat>, rows: Int,
                         activations: [UnsafeMutablePointer<NeuralFloat>], delta: UnsafeMutablePointer<NeuralFloat>,
                         scratch: UnsafeMutablePointer<NeuralFloat>, gradient: UnsafeMutablePointer<NeuralFloat>) {
        let top = layers.count - 1
        if layers[top].relu {
            DenseKernels.apply(.mask(activations[top]), to: delta, count: rows * layers[top].outputs)
        }
        var current = delta, next = scratch
        for l in stride(from: top, through: 0, by: -1) {
            let layer = layers[l]
            let x = l == 0 ? input : UnsafePointer(activations[l - 1])
            DenseKernels.transposeMultiply(x, rows: rows, cols: layer.inputs, current, cols: layer.outputs,
                                           into: gradient + layer.weightOffset, columnSums: gradient + layer.biasOffset)
            guard l > 0 else { break }
            DenseKernels.multiply(current, rows: rows, inner: layer.outputs, transposed + layer.weightOffset,
                                  cols: layer.inputs, bias: nil,
                                  epilogue: layers[l - 1].relu ? .mask(activations[l - 1]) : .none, into: next)
            swap(&current, &next)
        }
    }

    /// Every layer's weight matrix transposed (outputs × inputs) at its own weight offset.
    public func transposeWeights(_ theta: UnsafePointer<NeuralFloat>, into out: UnsafeMutablePointer<NeuralFloat>) {
        for layer in layers {
            DenseKernels.transpose(theta + layer.weightOffset, rows: layer.inputs, cols: layer.outputs,
                                   into: out + layer.weightOffset)
        }
    }
}
