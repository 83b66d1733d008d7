import SeglabNumerics

/// Fitted K-Means: the centres; new rows go to the nearest one (lowest index on ties), with
/// the same distance kernel the fit used. The score is the Euclidean distance to that centre.
public struct KMeansModel: FittedClusterModel, Equatable {
    /// k rows of d coordinates.
    public var centers: [[Double]]

    public init(centers: [[Double]]) { self.centers = centers }

    public func predict(_ x: Matrix) -> ClusterPrediction {
        let nearest = Kernels.nearestCenters(x, centers: Matrix(rowArrays: centers))
        // The expanded form can round a tiny squared distance below zero.
        return ClusterPrediction(labels: nearest.labels, scoreKind: .distance,
                                 scores: nearest.minSqDist.map { max($0, 0).squareRoot() })
    }
}
