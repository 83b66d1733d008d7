/// One entry of `feature_sets` (SPEC §1): which columns, which transforms.
public struct FeatureSetDefinition: Sendable, Equatable {
    public enum Scale: String, Sendable, CaseIterable { case standard, minmax, robust, none }
    public enum PCA: Sendable, Equatable {
        case components(Int)
        /// Fewest components whose cumulative explained-variance ratio exceeds the value.
        case variance(Double)
    }

    public var name: String
    /// Feature columns in the order given; nil means every candidate column.
    public var columns: [String]?
    public var log1p: [String]
    /// Categorical columns (customers_csv) to one-hot encode, in the order given.
    public var onehot: [String]
    public var scale: Scale
    public var pca: PCA?

    public init(name: String, columns: [String]? = nil, log1p: [String] = [], onehot: [String] = [],
                scale: Scale = .standard, pca: PCA? = nil) {
        self.name = name; self.columns = columns; self.log1p = log1p; self.onehot = onehot
        self.scale = scale; self.pca = pca
    }
}
