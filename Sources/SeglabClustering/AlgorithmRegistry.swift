/// Every algorithm seglab knows, by its experiment-file name.
public enum AlgorithmRegistry {
    public static let all: [any ClusteringAlgorithm.Type] = [
        KMeans.self,
        GaussianMixture.self,
        MiniBatchKMeans.self,
        AutoencoderKMeans.self,
        DEC.self,
        Birch.self,
        DBSCAN.self,
        Agglomerative.self,
    ]

    public static func named(_ name: String) -> (any ClusteringAlgorithm.Type)? {
        all.first { $0.name == name }
    }
}
