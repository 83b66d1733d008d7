import SeglabNeural
import SeglabNumerics

/// Deep Embedded Clustering (Xie, Girshick & Farhadi, ICML 2016): pretrain the autoencoder
/// (`DeepClustering`), take K-Means centres on its codes (by default the paper's 20 k-means++
/// restarts), then drop the decoder and train the encoder and the centres jointly on KL(P‖Q)
/// (`StudentTAssignment`, α = 1) with SGD and momentum 0.9 (`dec_learning_rate`, 0.01 as the
/// paper), on mini-batches shuffled every epoch. The target P is recomputed from every row each `update_interval` batches (default:
/// once per epoch, at its start); training stops when fewer than `tol` of the labels
/// (argmax q) changed since the previous update — the first update is only a reference — or
/// after `epochs` epochs.
///
/// Reports `reconstruction_loss` (of the pretrained autoencoder: DEC drops the decoder),
/// `n_iter` (DEC epochs that trained) and `converged` (1 when `tol` stopped it); the codes for
/// the `_latent` metrics; `loss.csv` with both stages.
public struct DEC: ClusteringAlgorithm {
    public static let name = "dec"
    public static let summary = "Deep Embedded Clustering: pretrained autoencoder, then KL(P‖Q) on encoder and centres"
    public static let parameters = DeepClustering.parameters(epochs: "pretrain_epochs", nInit: 20) + [
        ParameterSpec("dec_learning_rate", .real(min: 0, max: 10, minExclusive: true), default: .value(.real(0.01)),
                      help: "SGD step size of the clustering stage (momentum 0.9)"),
        ParameterSpec("epochs", .int(min: 1, max: 100_000), default: .value(.int(50)),
                      help: "most epochs of the clustering stage"),
        ParameterSpec("update_interval", .int(min: 1, max: 1_000_000_000), default: .value(.null), nullable: true,
                      help: "batches between target updates; null: once per epoch"),
        ParameterSpec("tol", .real(min: 0, max: 1, minExclusive: false), default: .value(.real(0.001)),
                      help: "stop when fewer than this fraction of labels change between target updates"),
    ]

    let settings: DeepClustering.Settings
    let learningRate: Double
    let epochs: Int
    let updateInterval: Int?
    let tol: Double

    public init(parameters: ResolvedParameters) throws {
        settings = try DeepClustering.Settings(parameters, epochs: "pretrain_epochs", algorithm: Self.name)
        learningRate = parameters.real("dec_learning_rate")
        epochs = parameters.int("epochs")
        updateInterval = parameters.optionalInt("update_interval")
        tol = parameters.real("tol")
    }

    public static func memoryEstimate(rows: Int, cols: Int, parameters: ResolvedParameters) -> Int {
        DeepClustering.memoryEstimate(rows: rows, cols: cols, parameters: parameters, perRowK: 3)
    }

    public func fit(_ x: Matrix, rng: inout Xoshiro256StarStar, context: FitContext) throws -> ClusteringFit<DECModel> {
        let pre = try DeepClustering.pretrain(x, settings, rng: &rng, context: context, algorithm: Self.name)
        let ae = pre.autoencoder
        var curve = pre.curve

        let encoder = ae.encoder, k = settings.k, latent = settings.latent
        let encoderCount = encoder.parameterCount
        // θ = encoder parameters, then the centres: one vector for one optimiser.
        var theta = ae.encoderParameters + pre.kmeans.model.centers.flatMap { $0.map { NeuralFloat($0) } }
        let batches = MiniBatches(x, batchSize: settings.batchSize)
        let workers = context.workers
        let engine = BatchGradient(network: encoder, maxRows: batches.batchSize, extraParameters: k * latent, workers: workers)
        var sgd = SGDMomentum(parameters: theta.count, learningRate: learningRate)
        let interval = updateInterval ?? batches.count
        // A batch's q, t and targets (batch × k each), for the loss's chunks.
        let qScratch = UnsafeMutablePointer<NeuralFloat>.allocate(capacity: batches.batchSize * k)
        let tScratch = UnsafeMutablePointer<NeuralFloat>.allocate(capacity: batches.batchSize * k)
        let pBatch = UnsafeMutablePointer<NeuralFloat>.allocate(capacity: batches.batchSize * k)
        defer { qScratch.deallocate(); tScratch.deallocate(); pBatch.deallocate() }
        var shuffle = pre.streams("dec.shuffle")

        var state: Targets!
        var previous = [Int]()
        var step = 0, trainedEpochs = 0, converged = false
        for epoch in 1 ... epochs {
            try context.checkpoint(stage: "dec", iteration: epoch, of: epochs)
            var total = 0.0, rows = 0
            var change: Double?
            theta.withUnsafeMutableBufferPointer { tb in
                let tp = tb.baseAddress!
                batches.epoch(rng: &shuffle) { batch, indices in
                    if step % interval == 0 {
                        state = Targets(x, encoder: encoder, theta: tp, k: k, workers: workers)
                        if step > 0 {
                            let changed = zip(state.labels, previous).reduce(0) { $0 + ($1.0 != $1.1 ? 1 : 0) }
                            change = Double(changed) / Double(x.rows)
                            if change! < tol { converged = true; return false }
                        }
                        previous = state.labels
                    }
                    let n = indices.count
                    for (r, i) in indices.enumerated() {
                        for j in 0 ..< k { pBatch[r * k + j] = NeuralFloat(state.p[i, j]) }
                    }
                    let loss = engine.compute(tp, batch: batch, count: n) { chunk, z, dz, dCenters in
                        let o = chunk.lowerBound * k
                        return StudentTAssignment.klGradient(
                            z, rows: chunk.count, dims: latent, centers: tp + encoderCount, k: k, target: pBatch + o,
                            batchRows: n, q: qScratch + o, t: tScratch + o, dz: dz, dCenters: dCenters)
                    }
                    sgd.step(tp, gradient: engine.gradient.baseAddress!)
                    total += loss * Double(n)
                    rows += n
                    step += 1
                    return true
                }
            }
            curve.append("dec", epoch: epoch, loss: rows > 0 ? total / Double(rows) : nil, labelChange: change)
            if rows > 0 { trainedEpochs = epoch }
            if converged { break }
        }
        if !converged {
            state = theta.withUnsafeBufferPointer { Targets(x, encoder: encoder, theta: $0.baseAddress!, k: k, workers: workers) }
        }
        let centers = (0 ..< k).map { j in (0 ..< latent).map { Double(theta[encoderCount + j * latent + $0]) } }
        let model = DECModel(encoder: encoder.weights(Array(theta[..<encoderCount])), centers: centers)
        return ClusteringFit(labels: state.labels, model: model,
                             metrics: ["reconstruction_loss": ae.reconstructionLoss(x, workers: workers), "n_iter": Double(trainedEpochs),
                                       "converged": converged ? 1 : 0],
                             latent: state.codes,
                             artifacts: [FitArtifact(name: TrainingCurve.artifactName, bytes: curve.csv)])
    }

    /// Every row's codes, target distribution and label (argmax q) at the given parameters.
    struct Targets {
        let codes: Matrix
        let p: Matrix
        let labels: [Int]

        init(_ x: Matrix, encoder: DenseNetwork, theta: UnsafePointer<NeuralFloat>, k: Int, workers: Int?) {
            let count = encoder.parameterCount
            codes = encoder.forward(Array(UnsafeBufferPointer(start: theta, count: count)), x, workers: workers)
            let centers = Matrix(rows: k, cols: encoder.outputs,
                                 storage: UnsafeBufferPointer(start: theta + count, count: k * encoder.outputs).map { Double($0) })
            let q = StudentTAssignment.soft(codes, centers: centers, workers: workers)
            p = StudentTAssignment.target(q)
            labels = StudentTAssignment.strongest(q).labels
        }
    }
}
