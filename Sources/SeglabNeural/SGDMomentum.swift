/// Stochastic gradient descent with momentum, as PyTorch's `torch.optim.SGD(momentum:)`
/// (no dampening, no Nesterov) and the DEC paper's Caffe solver at a fixed rate:
///
///     b ← g on the first step, then b ← μb + g;   θ ← θ − lr · b
public struct SGDMomentum: Sendable {
    public let learningRate: Double
    public let momentum: Double
    private var buffer: [NeuralFloat]
    public private(set) var steps = 0

    public init(parameters: Int, learningRate: Double, momentum: Double = 0.9) {
        self.learningRate = learningRate; self.momentum = momentum
        buffer = [NeuralFloat](repeating: 0, count: parameters)
    }

    public mutating func step(_ theta: UnsafeMutablePointer<NeuralFloat>, gradient g: UnsafePointer<NeuralFloat>) {
        let mu = NeuralFloat(momentum), lr = NeuralFloat(learningRate), first = steps == 0
        steps += 1
        buffer.withUnsafeMutableBufferPointer { b in
            for p in 0 ..< b.count {
                b[p] = first ? g[p] : mu * b[p] + g[p]
                theta[p] -= lr * b[p]
            }
        }
    }
}
