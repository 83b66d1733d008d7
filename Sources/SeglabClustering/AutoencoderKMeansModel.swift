import SeglabNeural
import SeglabNumerics

/// A fitted `ae_kmeans`: every weight of the autoencoder and the K-Means centres in its
/// latent space. New rows are encoded by the same kernels as in the fit and go to the nearest
/// centre (the K-Means distance kernel, lowest index on ties); the score is the Euclidean
/// distance to it, in the latent space.
public struct AutoencoderKMeansModel: FittedClusterModel, LatentCentersModel, Equatable {
    public var encoder: [DenseLayerWeights]
    /// Not needed to assign; kept so the stored model is the whole trained network.
    public var decoder: [DenseLayerWeights]
    /// k rows of `latent` coordinates.
    public var centers: [[Double]]

    public init(encoder: [DenseLayerWeights], decoder: [DenseLayerWeights], centers: [[Double]]) {
        self.encoder = encoder; self.decoder = decoder; self.centers = centers
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        encoder = try c.decode([DenseLayerWeights].self, forKey: .encoder)
        self.decoder = try c.decode([DenseLayerWeights].self, forKey: .decoder)
        centers = try c.decode([[Double]].self, forKey: .centers)
        try validate(codingPath: c.codingPath)
    }

    public func predict(_ x: Matrix) -> ClusterPrediction {
        let nearest = Kernels.nearestCenters(encode(x), centers: Matrix(rowArrays: centers))
        return ClusterPrediction(labels: nearest.labels, scoreKind: .distance,
                                 scores: nearest.minSqDist.map { max($0, 0).squareRoot() })
    }
}
