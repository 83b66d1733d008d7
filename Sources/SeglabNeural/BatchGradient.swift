import SeglabNumerics

/// The gradient of a loss over one mini-batch: the batch is cut into fixed chunks of
/// `chunkRows` rows, each chunk runs forward, loss and backward on its own buffers
/// (concurrently, on a `ChunkTeam` kept for all batches), and the chunks' gradients and losses
/// are summed in chunk order. The result depends on the batch and `chunkRows` only, never on
/// how many threads ran the chunks.
///
/// A loss may own parameters beyond the network's (DEC's cluster centres): they follow the
/// network's in the gradient vector, and the loss writes their per-chunk gradient itself.
///
///     let g = BatchGradient(network: net, maxRows: 256)
///     let loss = g.compute(theta, batch: rows, count: 256) { chunk, output, delta, _ in
///         MeanSquaredError.gradient(output, target: rows + chunk.lowerBound * d, count: chunk.count * d,
///                                   scale: 2 / Double(256 * d), into: delta)
///     }
///     // g.gradient: ∂loss/∂θ
public final class BatchGradient {
    /// Rows per chunk: a multiple of the kernels' 4-row blocks, small enough that a batch of
    /// 256 gives both cores work.
    public static let chunkRows = 64

    /// What a loss computes for one chunk: from the network's `output` (rows × outputs) it
    /// writes ∂loss/∂output into `delta` and the gradient of its own parameters into
    /// `extraGradient`, and returns its part of the loss.
    public typealias ChunkLoss = (_ rows: Range<Int>, _ output: UnsafePointer<NeuralFloat>,
                                  _ delta: UnsafeMutablePointer<NeuralFloat>,
                                  _ extraGradient: UnsafeMutablePointer<NeuralFloat>) -> Double

    public let network: DenseNetwork
    /// The most threads the chunks run on (nil: Dispatch's choice); the result is the same.
    public let workers: Int?
    /// Parameters of the loss after the network's.
    public let extraParameters: Int
    public var parameterCount: Int { network.parameterCount + extraParameters }
    private let maxRows: Int
    private let transposed: UnsafeMutablePointer<NeuralFloat>
    private let total: UnsafeMutablePointer<NeuralFloat>
    private let chunkLosses: UnsafeMutablePointer<Double>
    private let workspaces: [Workspace]
    private let team: ChunkTeam

    /// Per-chunk buffers, allocated once.
    private struct Workspace {
        let activations: [UnsafeMutablePointer<NeuralFloat>]
        let delta: UnsafeMutablePointer<NeuralFloat>
        let scratch: UnsafeMutablePointer<NeuralFloat>
        let gradient: UnsafeMutablePointer<NeuralFloat>
    }

    public init(network: DenseNetwork, maxRows: Int, extraParameters: Int = 0, workers: Int? = nil) {
        precondition(maxRows >= 1 && extraParameters >= 0)
        self.network = network
        self.workers = workers
        self.extraParameters = extraParameters
        self.maxRows = maxRows
        let count = network.parameterCount + extraParameters
        transposed = .allocate(capacity: network.parameterCount)
        total = .allocate(capacity: count)
        let chunks = (maxRows + Self.chunkRows - 1) / Self.chunkRows
        chunkLosses = .allocate(capacity: chunks)
        let rows = Self.chunkRows, widest = network.widest
        team = ChunkTeam(workers: workers, maxChunks: chunks)
        workspaces = (0 ..< chunks).map { _ in
            Workspace(activations: network.layers.map { .allocate(capacity: rows * $0.outputs) },
                      delta: .allocate(capacity: rows * widest), scratch: .allocate(capacity: rows * widest),
                      gradient: .allocate(capacity: count))
        }
    }

    deinit {
        transposed.deallocate(); total.deallocate(); chunkLosses.deallocate()
        for w in workspaces {
            w.activations.forEach { $0.deallocate() }
            w.delta.deallocate(); w.scratch.deallocate(); w.gradient.deallocate()
        }
    }

    /// ∂loss/∂θ of the last `compute` (network parameters, then the loss's own).
    public var gradient: UnsafeBufferPointer<NeuralFloat> {
        UnsafeBufferPointer(start: total, count: parameterCount)
    }

    /// Computes the gradient of the loss over `count` rows of `batch` (count × inputs) at
    /// parameters `theta` (network, then the loss's own), into `gradient`; returns the loss
    /// (the chunks' parts summed in chunk order).
    public func compute(_ theta: UnsafePointer<NeuralFloat>, batch: UnsafePointer<NeuralFloat>, count: Int,
                        loss: @escaping ChunkLoss) -> Double {
        precondition(count >= 1 && count <= maxRows)
        let net = network, inputs = net.inputs
        net.transposeWeights(theta, into: transposed)
        let transposed = UnsafePointer(self.transposed), losses = chunkLosses, workspaces = self.workspaces
        team.forEachChunk(count: count, chunkSize: Self.chunkRows) { rows in
            let c = rows.lowerBound / Self.chunkRows
            let w = workspaces[c]
            let input = batch + rows.lowerBound * inputs
            net.forward(theta, input: input, rows: rows.count, activations: w.activations)
            losses[c] = loss(rows, w.activations[w.activations.count - 1], w.delta, w.gradient + net.parameterCount)
            net.backward(transposed: transposed, input: input, rows: rows.count, activations: w.activations,
                         delta: w.delta, scratch: w.scratch, gradient: w.gradient)
        }
        let chunks = (count + Self.chunkRows - 1) / Self.chunkRows
        let n = parameterCount
        total.update(from: workspaces[0].gradient, count: n)
        var sum = losses[0]
        for c in 1 ..< chunks {
            let g = workspaces[c].gradient
            for p in 0 ..< n { total[p] += g[p] }
            sum += losses[c]
        }
        return sum
    }
}
