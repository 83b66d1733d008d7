/// Adam (Kingma & Ba 2015) as PyTorch's `torch.optim.Adam` without weight decay:
///
///     m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
///     θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// β₁ᵗ and β₂ᵗ are running products (no `pow`), so a step is the same bits on every platform.
public struct Adam: Sendable {
    public let learningRate: Double
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    private var m: [NeuralFloat]
    private var v: [NeuralFloat]
    private var beta1Power = 1.0
    private var beta2Power = 1.0
    /// Steps taken.
    public private(set) var steps = 0

    public init(parameters: Int, learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        m = [NeuralFloat](repeating: 0, count: parameters)
        v = [NeuralFloat](repeating: 0, count: parameters)
    }

    /// One step of every parameter from its gradient.
    public mutating func step(_ theta: UnsafeMutablePointer<NeuralFloat>, gradient g: UnsafePointer<NeuralFloat>) {
        steps += 1
        beta1Power *= beta1
        beta2Power *= beta2
        let b1 = NeuralFloat(beta1), b2 = NeuralFloat(beta2), eps = NeuralFloat(epsilon)
        let stepSize = NeuralFloat(learningRate / (1 - beta1Power))
        let correction2 = NeuralFloat((1 - beta2Power).squareRoot())
        m.withUnsafeMutableBufferPointer { m in
            v.withUnsafeMutableBufferPointer { v in
                for p in 0 ..< m.count {
                    m[p] = b1 * m[p] + (1 - b1) * g[p]
                    v[p] = b2 * v[p] + (1 - b2) * (g[p] * g[p])
                    theta[p] -= stepSize * m[p] / (v[p].squareRoot() / correction2 + eps)
                }
            }
        }
    }
}
