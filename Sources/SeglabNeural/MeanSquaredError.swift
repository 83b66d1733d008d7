/// The mean squared error of an autoencoder, as PyTorch's `mse_loss` (mean over every element).
public enum MeanSquaredError {
    /// Σ (output − target)² over `count` elements in order, and the gradient
    /// `scale · (output − target)` into `delta` (`scale` = 2 / elements of the whole batch).
    @discardableResult
    public static func gradient(_ output: UnsafePointer<NeuralFloat>, target: UnsafePointer<NeuralFloat>, count: Int,
                                scale: NeuralFloat, into delta: UnsafeMutablePointer<NeuralFloat>) -> Double {
        var sum = 0.0
        for e in 0 ..< count {
            let r = output[e] - target[e]
            sum += Double(r * r)
            delta[e] = scale * r
        }
        return sum
    }

    /// Σ (output − target)² over `count` elements in order, in Float64.
    public static func sumOfSquares(_ output: UnsafePointer<NeuralFloat>, target: UnsafePointer<Double>,
                                    count: Int) -> Double {
        var sum = 0.0
        for e in 0 ..< count {
            let r = Double(output[e]) - target[e]
            sum += r * r
        }
        return sum
    }
}
