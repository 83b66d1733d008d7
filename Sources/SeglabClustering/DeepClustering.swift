import SeglabNeural
import SeglabNumerics

/// What `ae_kmeans` and `dec` share: the autoencoder's parameters, its training with
/// checkpoints and a loss curve, the K-Means on its codes, and the fit's random streams.
enum DeepClustering {
    /// The autoencoder's parameters and `k`/`n_init`, as both algorithms declare them;
    /// `epochs` names the training epochs (`epochs` for ae_kmeans, `pretrain_epochs` for dec);
    /// `nInit` is the default number of K-Means restarts (10 for ae_kmeans as `kmeans` with
    /// random starts; 20 for dec, as the DEC paper initialises its centres).
    static func parameters(epochs: String, nInit: Int) -> [ParameterSpec] {
        [
            ParameterSpec("k", .int(min: 2, max: 1_000_000), default: .required, help: "number of clusters"),
            ParameterSpec("hidden", .intList(min: 1, max: 4096, minCount: 0, maxCount: 8), default: .value(.ints([64, 32])),
                          help: "widths of the encoder's hidden layers (ReLU); the decoder mirrors them"),
            ParameterSpec("latent", .int(min: 1, max: 1024), default: .value(.int(4)),
                          help: "width of the codes (a linear layer)"),
            ParameterSpec("learning_rate", .real(min: 0, max: 10, minExclusive: true), default: .value(.real(1e-3)),
                          help: "Adam step size of the autoencoder training (betas 0.9/0.999, eps 1e-8)"),
            ParameterSpec("batch_size", .int(min: 1, max: 1_000_000), default: .value(.int(256)),
                          help: "rows per mini-batch (the rows are shuffled every epoch)"),
            ParameterSpec(epochs, .int(min: 1, max: 100_000), default: .value(.int(50)),
                          help: "epochs of autoencoder training on the mean squared reconstruction error"),
            ParameterSpec("n_init", .int(min: 1, max: 10_000), default: .value(.int(nInit)),
                          help: "k-means++ restarts of the K-Means on the codes, keeping the lowest inertia"),
        ]
    }

    /// The autoencoder settings of a resolved parameter set.
    struct Settings: Sendable {
        var k: Int
        var hidden: [Int]
        var latent: Int
        var learningRate: Double
        var batchSize: Int
        var epochs: Int
        var nInit: Int

        init(_ p: ResolvedParameters, epochs: String, algorithm: String) throws {
            guard p.values["k"] != nil else { throw ClusteringError("\(algorithm): parameter k is required") }
            k = p.int("k"); hidden = p.ints("hidden"); latent = p.int("latent"); learningRate = p.real("learning_rate")
            batchSize = p.int("batch_size"); self.epochs = p.int(epochs); nInit = p.int("n_init")
        }
    }

    /// Peak memory beyond the matrix: a few n-vectors, the codes, `perRowK` n × k blocks and
    /// the network's per-chunk buffers.
    static func memoryEstimate(rows: Int, cols: Int, parameters: ResolvedParameters, perRowK: Int) -> Int {
        let k = parameters.optionalInt("k") ?? 8
        let latent = parameters.optionalInt("latent") ?? 4
        var hidden = [64, 32]
        if case .ints(let h)? = parameters.values["hidden"] { hidden = h }
        let widest = ([cols, latent] + hidden).max()!
        return rows * 8 * (6 + cols + 2 * latent + perRowK * k) + 64 * widest * 8 * 64
    }

    /// A fit's named random streams: one word of the fit's generator seeds them all, so a
    /// draw added to one stream never shifts another. `ae.init` (Glorot weights),
    /// `ae.shuffle` (autoencoder epochs), `kmeans` (K-Means on the codes), `dec.shuffle`.
    struct Streams {
        let seed: UInt64
        init(_ rng: inout Xoshiro256StarStar) { seed = rng.next() }
        func callAsFunction(_ name: String) -> Xoshiro256StarStar { Xoshiro256StarStar(seed: seed, stream: name) }
    }

    /// What both algorithms start from: an autoencoder trained on `x` (one `epoch`
    /// checkpoint and one `autoencoder` point of `curve` per epoch), the codes of every row,
    /// and K-Means on them (k-means++, `n_init` restarts, as `kmeans`, from stream `kmeans`).
    struct Pretrained {
        var autoencoder: Autoencoder
        var codes: Matrix
        var kmeans: ClusteringFit<KMeansModel>
        var curve: TrainingCurve
        var streams: Streams
    }

    static func pretrain(_ x: Matrix, _ s: Settings, rng: inout Xoshiro256StarStar, context: FitContext,
                         algorithm: String) throws -> Pretrained {
        guard x.rows >= s.k else { throw ClusteringError("\(algorithm): k = \(s.k) exceeds the number of rows (\(x.rows))") }
        guard x.storage.allSatisfy({ $0.isFinite }) else {
            throw ClusteringError("\(algorithm): the data contain a non-finite value")
        }
        let streams = Streams(&rng)
        var curve = TrainingCurve()
        var initRNG = streams("ae.init"), shuffle = streams("ae.shuffle"), kmeansRNG = streams("kmeans")
        var ae = Autoencoder(inputs: x.cols, hidden: s.hidden, latent: s.latent, rng: &initRNG)
        try ae.train(x, epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, workers: context.workers,
                     rng: &shuffle) { epoch, loss in
            // A loss that stops being finite fails the run.
            guard loss.isFinite else {
                throw ClusteringError("\(algorithm): the autoencoder diverged (loss \(loss) at epoch \(epoch)); try a lower learning_rate")
            }
            curve.append("autoencoder", epoch: epoch, loss: loss)
            try context.checkpoint(stage: "epoch", iteration: epoch, of: s.epochs)
        }
        let codes = ae.encode(x, workers: context.workers)
        let kmeans = try KMeans(k: s.k, initialization: .kMeansPlusPlus, nInit: s.nInit).fit(codes, rng: &kmeansRNG, context: context.withOwnCache())
        return Pretrained(autoencoder: ae, codes: codes, kmeans: kmeans, curve: curve, streams: streams)
    }
}

/// A fitted deep model as `assign` uses it: an encoder and cluster centres in its latent space.
protocol LatentCentersModel {
    var encoder: [DenseLayerWeights] { get }
    /// k rows of the encoder's output width.
    var centers: [[Double]] { get }
}

extension LatentCentersModel {
    /// The codes of `x`, by the same kernels as in the fit.
    func encode(_ x: Matrix) -> Matrix {
        let (network, theta) = try! DenseNetwork.from(encoder)
        return network.forward(theta, x)
    }

    /// Throws a decoding error (a damaged `model.json` is bad input) unless the stored encoder
    /// chains and the centres have its output width.
    func validate(codingPath: [any CodingKey]) throws {
        let width: Int
        do { width = try DenseNetwork.from(encoder).network.outputs } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "encoder: \(error)"))
        }
        guard !centers.isEmpty, centers.allSatisfy({ $0.count == width }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath,
                                                    debugDescription: "centers must be rows of \(width) coordinates (the encoder's output)"))
        }
    }
}
