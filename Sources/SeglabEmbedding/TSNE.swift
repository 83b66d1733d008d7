import SeglabData
import SeglabNumerics

/// Barnes–Hut t-SNE (van der Maaten 2014) with scikit-learn 1.9's `TSNE` defaults and
/// schedule, for 2-D views of customers:
///
/// 1. the k = min(n − 1, ⌊3 · perplexity + 1⌋) exact nearest neighbours of every row
///    (squared Euclidean distances);
/// 2. per row, the Gaussian precision whose conditional distribution over those neighbours
///    has the wanted perplexity (binary search); P = (C + Cᵀ) / sum, sparse;
/// 3. the start: the first two principal components scaled so the first has standard
///    deviation 1e-4 (`init: .pca`, the default), or N(0, 1e-4²) draws (`.random`);
/// 4. gradient descent with momentum and per-coordinate gains (+0.2 when the gradient's
///    sign flips against the last update, × 0.8 otherwise, at least 0.01): 250 iterations
///    with P × early exaggeration and momentum 0.5, then the rest with momentum 0.8, gains
///    and update reset between the two; learning rate `auto` = max(n / exaggeration / 4, 50).
///    Every 50 iterations (and at the last) the KL divergence is computed; a phase ends early
///    when it has not improved for `nIterWithoutProgress` iterations (250 in the first phase)
///    or when the gradient's norm is at most `minGradNorm`.
///
///     var rng = Xoshiro256StarStar(seed: runSeed, stream: TSNE.stream)
///     let result = try TSNE().fit(x, rng: &rng)
///     result.embedding      // n × 2
///     result.klDivergence   // as scikit-learn's kl_divergence_
///
/// Reproducible bit for bit: the quadtree is rebuilt in a fixed order each iteration, every
/// sum runs in a fixed order within fixed row chunks combined in chunk order, and the only
/// random draws (random initialisation) come from the generator passed in. `workers`
/// changes the speed, never a bit of the result. With PCA initialisation (the default) the
/// generator is not used at all and the embedding depends on the data alone.
///
/// Differences from scikit-learn, none of which changes the algorithm: arithmetic is in
/// double precision throughout (scikit-learn computes the gradient in float32), and the
/// quadtree is built by partition rather than insertion (same cells; a multi-point cell's
/// centre of mass is summed from its children rather than updated point by point).
public struct TSNE: Sendable {
    public enum Initialization: Sendable, Equatable {
        /// PCA of the data, scaled to a standard deviation of 1e-4 on the first axis.
        case pca
        /// Independent N(0, 1e-4²) coordinates from the generator.
        case random
    }

    public enum LearningRate: Sendable, Equatable {
        /// max(n / early exaggeration / 4, 50) (Belkina et al. 2019).
        case auto
        case fixed(Double)
    }

    /// The generator stream a caller should draw t-SNE's randomness from.
    public static let stream = "embedding.tsne"

    public var perplexity: Double = 30
    public var earlyExaggeration: Double = 12
    public var learningRate: LearningRate = .auto
    /// Total iterations, the 250 exaggerated ones included (at least 250, as scikit-learn).
    public var maxIter: Int = 1000
    public var nIterWithoutProgress: Int = 300
    public var minGradNorm: Double = 1e-7
    /// Barnes–Hut's θ: a cell is summarised when its width is below θ times its distance.
    public var angle: Double = 0.5
    public var initialization: Initialization = .pca
    /// Threads for the row chunks (nil: all); the result is the same for any value.
    public var workers: Int? = nil

    /// Iterations with exaggeration, and the spacing of the KL checks (scikit-learn's
    /// `_EXPLORATION_MAX_ITER` and `_N_ITER_CHECK`).
    static let explorationIterations = 250
    static let checkEvery = 50

    public init() {}

    /// Embeds the rows of `x` in 2-D. `progress(iteration, of)` is called before every
    /// iteration (1-based) and may throw to stop (e.g. `FitContext.checkpoint`).
    public func fit(_ x: Matrix, rng: inout Xoshiro256StarStar,
                    progress: ((Int, Int) throws -> Void)? = nil) throws -> TSNEEmbedding {
        try validate(x)
        let n = x.rows
        let k = min(n - 1, Int(3 * perplexity + 1))
        let graph = NeighborGraph(x, k: k, workers: workers)
        let conditional = PerplexitySearch.conditionalProbabilities(graph, perplexity: perplexity, workers: workers)
        let p = JointProbabilities(graph: graph, conditional: conditional)

        var position = try initialPosition(x, rng: &rng)
        let rate: Double
        switch learningRate {
        case .auto: rate = max(Double(n) / earlyExaggeration / 4, 50)
        case .fixed(let r): rate = r
        }
        var gradient = TSNEGradient(p: p, angle: angle, workers: workers)
        var optimizer = Optimizer(count: 2 * n, learningRate: rate, maxIter: maxIter, minGradNorm: minGradNorm, workers: workers)

        let first = try optimizer.run(&position, gradient: &gradient, from: 0, to: Self.explorationIterations,
                                      momentum: 0.5, exaggeration: earlyExaggeration,
                                      withoutProgress: Self.explorationIterations, progress: progress)
        let second = try optimizer.run(&position, gradient: &gradient, from: first.lastIteration + 1, to: maxIter,
                                       momentum: 0.8, exaggeration: 1, withoutProgress: nIterWithoutProgress, progress: progress)
        let last = max(first.lastIteration, second.lastIteration)
        return TSNEEmbedding(embedding: Matrix(rows: n, cols: 2, storage: position),
                             klDivergence: second.ran ? second.error : first.error,
                             iterations: last + 1, learningRate: rate, neighbors: k)
    }

    private func validate(_ x: Matrix) throws {
        guard maxIter >= Self.explorationIterations else {
            throw TSNEError("max_iter is \(maxIter) but must be at least \(Self.explorationIterations)")
        }
        guard perplexity > 0 && angle >= 0 && angle <= 1 && earlyExaggeration >= 1 else {
            throw TSNEError("perplexity must be positive, angle in [0, 1] and early exaggeration at least 1")
        }
        guard x.rows >= 2 else { throw TSNEError("t-SNE needs at least 2 rows, got \(x.rows)") }
        guard perplexity < Double(x.rows) else {
            throw TSNEError("perplexity (\(perplexity)) must be less than the number of rows (\(x.rows))")
        }
        if let bad = x.storage.firstIndex(where: { !$0.isFinite }) {
            throw TSNEError("row \(bad / max(1, x.cols) + 1) has a non-finite value")
        }
        if case .fixed(let r) = learningRate, !(r > 0) { throw TSNEError("learning rate must be positive") }
        if let workers, workers < 1 { throw TSNEError("workers must be at least 1, got \(workers)") }
    }

    /// The start as x0, y0, x1, y1, …
    private func initialPosition(_ x: Matrix, rng: inout Xoshiro256StarStar) throws -> [Double] {
        switch initialization {
        case .random:
            return (0 ..< 2 * x.rows).map { _ in 1e-4 * rng.nextGaussian() }
        case .pca:
            guard x.cols >= 2 else { throw TSNEError("PCA initialisation needs at least 2 feature columns, got \(x.cols)") }
            let (pca, _) = try PrincipalComponents.fit(x, choice: .components(2), place: "t-SNE")
            let projected = pca.project(x).storage
            // Population standard deviation of the first component, as numpy's std.
            let first = stride(from: 0, to: projected.count, by: 2).map { projected[$0] }
            let mean = first.reduce(0, +) / Double(first.count)
            let sd = (first.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(first.count)).squareRoot()
            guard sd > 0 else { throw TSNEError("PCA initialisation failed: the data's first principal component has no spread") }
            return projected.map { $0 / sd * 1e-4 }
        }
    }
}

/// The gradient-descent state of scikit-learn's `_gradient_descent`.
private struct Optimizer {
    let count: Int
    let learningRate: Double
    let maxIter: Int
    let minGradNorm: Double
    let workers: Int?
    var update: [Double]
    var gains: [Double]
    var grad: [Double]

    init(count: Int, learningRate: Double, maxIter: Int, minGradNorm: Double, workers: Int?) {
        self.count = count
        self.learningRate = learningRate
        self.maxIter = maxIter
        self.minGradNorm = minGradNorm
        self.workers = workers
        update = [Double](repeating: 0, count: count)
        gains = [Double](repeating: 1, count: count)
        grad = [Double](repeating: 0, count: count)
    }

    struct Outcome {
        var lastIteration: Int
        var error: Double
        var ran: Bool
    }

    /// Iterations `from ..< to` of one phase (update and gains start afresh, as each call of
    /// scikit-learn's `_gradient_descent`).
    mutating func run(_ position: inout [Double], gradient: inout TSNEGradient, from: Int, to: Int, momentum: Double,
                      exaggeration: Double, withoutProgress: Int, progress: ((Int, Int) throws -> Void)?) throws -> Outcome {
        for e in 0 ..< count { update[e] = 0; gains[e] = 1 }
        var outcome = Outcome(lastIteration: from - 1, error: .nan, ran: false)
        var bestError = Double.greatestFiniteMagnitude
        var bestIteration = from
        guard from < to else { return outcome }
        for i in from ..< to {
            try progress?(i + 1, maxIter)
            let check = (i + 1) % TSNE.checkEvery == 0
            let error = gradient.evaluate(at: position, exaggeration: exaggeration, withError: check || i == to - 1, into: &grad)
            let squaredNorm = step(&position, momentum: momentum)
            outcome = Outcome(lastIteration: i, error: error ?? .nan, ran: true)
            if check, let error {
                if error < bestError {
                    bestError = error
                    bestIteration = i
                } else if i - bestIteration > withoutProgress {
                    break
                }
                if squaredNorm.squareRoot() <= minGradNorm { break }
            }
        }
        return outcome
    }

    /// The gains, momentum and learning-rate update of every coordinate; returns the squared
    /// norm of the gain-scaled gradient (chunk sums in chunk order).
    private mutating func step(_ position: inout [Double], momentum: Double) -> Double {
        let rate = learningRate
        let partial: [Double] = position.withUnsafeMutableBufferPointer { pb in
            update.withUnsafeMutableBufferPointer { ub in
                gains.withUnsafeMutableBufferPointer { gb in
                    grad.withUnsafeBufferPointer { db in
                        let pos = pb.baseAddress!, upd = ub.baseAddress!, gain = gb.baseAddress!, g = db.baseAddress!
                        return Parallel.mapChunks(count: count, chunkSize: 2 * TSNEGradient.rowChunk, workers: workers) { range -> Double in
                            var squares = 0.0
                            for e in range {
                                gain[e] = upd[e] * g[e] < 0 ? gain[e] + 0.2 : gain[e] * 0.8
                                if gain[e] < 0.01 { gain[e] = 0.01 }
                                let scaled = g[e] * gain[e]
                                squares += scaled * scaled
                                upd[e] = momentum * upd[e] - rate * scaled
                                pos[e] += upd[e]
                            }
                            return squares
                        }
                    }
                }
            }
        }
        return partial.reduce(0, +)
    }
}
