import SeglabNumerics

/// The result of `TSNE.fit`.
public struct TSNEEmbedding: Sendable, Equatable {
    /// n × 2, one row per input row, in input order.
    public let embedding: Matrix
    /// The KL divergence of the last iteration (scikit-learn's `kl_divergence_`).
    public let klDivergence: Double
    /// Iterations run (scikit-learn's `n_iter_` + 1).
    public let iterations: Int
    /// The learning rate used (resolved from `auto`).
    public let learningRate: Double
    /// Neighbours per row in P.
    public let neighbors: Int
}

/// Bad input or parameters for t-SNE, with the reason.
public struct TSNEError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "t-SNE: \(message)" }
}
