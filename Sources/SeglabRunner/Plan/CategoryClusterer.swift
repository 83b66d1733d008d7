import SeglabClustering
import SeglabData
import SeglabNumerics

/// The product categories' clustering (README "Product categories"): seglab's K-Means,
/// k-means++ with `n_init` restarts (300 iterations, tol 1e-4), every random draw from stream
/// `data.categories` of the experiment seed, so the categories are the same on every rerun.
enum CategoryClusterer {
    static func kMeans(seed: Int) -> KeywordClusterer {
        { x, k, nInit in
            var rng = Xoshiro256StarStar(seed: UInt64(seed), stream: "data.categories")
            let fit = try KMeans(k: k, initialization: .kMeansPlusPlus, nInit: nInit).fit(x, rng: &rng, context: .detached())
            return Matrix(rowArrays: fit.model.centers)
        }
    }
}
