import SeglabNeural
import SeglabNumerics

/// An autoencoder followed by K-Means on its codes: train the network on the reconstruction
/// error (`DeepClustering`, `Autoencoder`), encode every row, then K-Means with k-means++ and
/// `n_init` restarts on the codes. New customers are encoded and go to the nearest centre.
///
/// Besides the usual metrics (in the input space) the fit reports `reconstruction_loss` (mean
/// squared error over every element after training) and `n_iter` (of the K-Means), hands the
/// codes to the runner for the `_latent` metrics, and writes `loss.csv`.
public struct AutoencoderKMeans: ClusteringAlgorithm {
    public static let name = "ae_kmeans"
    public static let summary = "autoencoder (dense, ReLU, Adam on MSE) then K-Means on its codes"
    public static let parameters = DeepClustering.parameters(epochs: "epochs", nInit: 10)

    let settings: DeepClustering.Settings

    public init(parameters: ResolvedParameters) throws {
        settings = try DeepClustering.Settings(parameters, epochs: "epochs", algorithm: Self.name)
    }

    public static func memoryEstimate(rows: Int, cols: Int, parameters: ResolvedParameters) -> Int {
        DeepClustering.memoryEstimate(rows: rows, cols: cols, parameters: parameters, perRowK: 1)
    }

    public func fit(_ x: Matrix, rng: inout Xoshiro256StarStar, context: FitContext) throws -> ClusteringFit<AutoencoderKMeansModel> {
        let pre = try DeepClustering.pretrain(x, settings, rng: &rng, context: context, algorithm: Self.name)
        let ae = pre.autoencoder, decoder = ae.decoder
        let model = AutoencoderKMeansModel(encoder: ae.encoder.weights(ae.encoderParameters),
                                           decoder: decoder.network.weights(decoder.parameters),
                                           centers: pre.kmeans.model.centers)
        return ClusteringFit(labels: pre.kmeans.labels, model: model,
                             metrics: ["reconstruction_loss": ae.reconstructionLoss(x, workers: context.workers), "n_iter": pre.kmeans.metrics["n_iter"] ?? 0],
                             latent: pre.codes, artifacts: [FitArtifact(name: TrainingCurve.artifactName, bytes: pre.curve.csv)])
    }
}
