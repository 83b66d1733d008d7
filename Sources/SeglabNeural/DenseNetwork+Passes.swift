import SeglabNumerics

extension DenseNetwork {
    /// Rows per parallel task in passes over a whole matrix. A row's outputs do not depend on
    /// it; sums over rows (e.g. a reconstruction error) are combined in chunk order.
    public static let passRows = 1024

    /// Runs the network over every row of `x` in fixed chunks of `passRows`, concurrently, and
    /// hands each chunk's output (rows × outputs) to `body`; the results come back in chunk
    /// order. `workers` caps the threads (the results are the same).
    public func mapOutputs<T>(_ theta: [NeuralFloat], _ x: Matrix, workers: Int? = nil,
                              _ body: (Range<Int>, UnsafePointer<NeuralFloat>) -> T) -> [T] {
        precondition(x.cols == inputs && theta.count == parameterCount)
        let d = inputs
        return theta.withUnsafeBufferPointer { tb in
            x.storage.withUnsafeBufferPointer { xs in
                Parallel.mapChunks(count: x.rows, chunkSize: Self.passRows, workers: workers) { rows -> T in
                    let input = UnsafeMutablePointer<NeuralFloat>.allocate(capacity: rows.count * d)
                    let buffers = layers.map { UnsafeMutablePointer<NeuralFloat>.allocate(capacity: rows.count * $0.outputs) }
                    defer { input.deallocate(); buffers.forEach { $0.deallocate() } }
                    for e in 0 ..< rows.count * d { input[e] = NeuralFloat(xs[rows.lowerBound * d + e]) }
                    forward(tb.baseAddress!, input: input, rows: rows.count, activations: buffers)
                    return body(rows, buffers[buffers.count - 1])
                }
            }
        }
    }

    /// The network's output for every row of `x`.
    public func forward(_ theta: [NeuralFloat], _ x: Matrix, workers: Int? = nil) -> Matrix {
        var out = Matrix(rows: x.rows, cols: outputs)
        let width = outputs
        out.storage.withUnsafeMutableBufferPointer { ob in
            let base = ob.baseAddress!
            _ = mapOutputs(theta, x, workers: workers) { rows, y in
                for e in 0 ..< rows.count * width { base[rows.lowerBound * width + e] = Double(y[e]) }
            }
        }
        return out
    }
}
