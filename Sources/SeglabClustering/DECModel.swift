import SeglabNeural
import SeglabNumerics

/// A fitted `dec`: the encoder's weights after the clustering stage and the centres in its
/// latent space. New rows are encoded by the same kernels as in the fit and take the cluster
/// of highest soft assignment q (lowest index on ties); the score is that q.
public struct DECModel: FittedClusterModel, LatentCentersModel, Equatable {
    public var encoder: [DenseLayerWeights]
    /// k rows of `latent` coordinates.
    public var centers: [[Double]]

    public init(encoder: [DenseLayerWeights], centers: [[Double]]) {
        self.encoder = encoder; self.centers = centers
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        encoder = try c.decode([DenseLayerWeights].self, forKey: .encoder)
        centers = try c.decode([[Double]].self, forKey: .centers)
        try validate(codingPath: c.codingPath)
    }

    public func predict(_ x: Matrix) -> ClusterPrediction {
        let q = StudentTAssignment.soft(encode(x), centers: Matrix(rowArrays: centers))
        let (labels, probability) = StudentTAssignment.strongest(q)
        return ClusterPrediction(labels: labels, scoreKind: .probability, scores: probability)
    }
}
