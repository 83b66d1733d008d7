import SeglabNumerics

/// Fitted K-Means: the centres; new rows go to the nearest one (lowest index on ties), with
/// the same distance kernel the fit used.
public struct KMeansModel: FittedClusterModel, Equatable {
    /// k rows of d coordinates.
    public var centers: [[Double]]

    public init(centers: [[Double]]) { self.centers = centers }

    public func predict(_ x: Matrix) -> [Int] {
        Kernels.nearestCenters(x, centers: Matrix(rowArrays: centers)).labels
    }
}
