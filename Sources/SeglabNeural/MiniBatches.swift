import SeglabNumerics

/// The mini-batches of one epoch: a fresh permutation of the rows (Fisher–Yates from the
/// back, `Xoshiro256StarStar.shuffle`), cut in order into batches of `batchSize` (the last
/// one shorter), each gathered into one contiguous buffer. As PyTorch's `randperm` slicing.
public final class MiniBatches {
    public let x: Matrix
    public let batchSize: Int
    private let buffer: UnsafeMutablePointer<NeuralFloat>

    public init(_ x: Matrix, batchSize: Int) {
        precondition(batchSize >= 1)
        self.x = x
        self.batchSize = min(batchSize, max(x.rows, 1))
        buffer = .allocate(capacity: self.batchSize * x.cols)
    }

    deinit { buffer.deallocate() }

    /// Batches per epoch.
    public var count: Int { (x.rows + batchSize - 1) / batchSize }

    /// Runs `body` on every batch of a new epoch: the gathered rows (count × cols) and their
    /// row indices. `body` returns false to end the epoch early.
    public func epoch(rng: inout Xoshiro256StarStar,
                      _ body: (_ rows: UnsafePointer<NeuralFloat>, _ indices: ArraySlice<Int>) throws -> Bool) rethrows {
        var order = Array(0 ..< x.rows)
        rng.shuffle(&order)
        let d = x.cols
        try x.storage.withUnsafeBufferPointer { xs in
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let indices = order[start ..< min(start + batchSize, order.count)]
                for (r, i) in indices.enumerated() {
                    for f in 0 ..< d { buffer[r * d + f] = NeuralFloat(xs[i * d + f]) }
                }
                guard try body(UnsafePointer(buffer), indices) else { return }
            }
        }
    }
}
