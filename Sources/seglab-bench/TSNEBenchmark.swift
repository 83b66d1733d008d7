import Foundation
import SeglabEmbedding
import SeglabNumerics

/// `seglab-bench tsne [--data NAME|PATH ...] [--runs N] [--workers N]`: wall time of
/// `TSNE().fit` with every default (loading excluded, as scikit-learn's `fit_transform` is
/// timed) and its final KL divergence, per data set; `benchmarks/sklearn_tsne.py` prints the
/// same columns for scikit-learn. NAME is blobs_2k or customers_5k (../shared/reference) or
/// customers_10k (/tmp/anchors_data/customers_10k_tsne.csv, written by sklearn_tsne.py).
func tsneBenchmark(arguments: [String]) {
    var names = [String]()
    var runs = 3
    var workers: Int?
    var it = arguments.makeIterator()
    while let a = it.next() {
        switch a {
        case "--data": names.append(it.next() ?? "")
        case "--runs": runs = max(1, Int(it.next() ?? "") ?? runs)
        case "--workers": workers = Int(it.next() ?? "")
        default: fail("unknown argument \(a)")
        }
    }
    if names.isEmpty { names = ["blobs_2k", "customers_5k", "customers_10k"] }
    print("seglab TSNE (defaults), workers \(workers.map(String.init) ?? "all"); median of \(runs) runs")
    print("data".padding(toLength: 16, withPad: " ", startingAt: 0) + "   rows   median_s    min_s   kl_divergence  n_iter")
    for name in names {
        let path: String
        switch name {
        case "blobs_2k", "customers_5k": path = "../shared/reference/\(name).csv"
        case "customers_10k": path = "/tmp/anchors_data/customers_10k_tsne.csv"
        default: path = name
        }
        let x = readFeatures(path)
        var tsne = TSNE()
        tsne.workers = workers
        var seconds = [Double]()
        var result: TSNEEmbedding?
        for _ in 0 ..< runs {
            var rng = Xoshiro256StarStar(seed: 0, stream: TSNE.stream)
            let start = DispatchTime.now().uptimeNanoseconds
            do { result = try tsne.fit(x, rng: &rng) } catch { fail("\(error)") }
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        seconds.sort()
        print(name.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%7d %10.2f %8.2f %15.6f %7d", x.rows,
              seconds[seconds.count / 2], seconds[0], result!.klDivergence, result!.iterations - 1))
    }
}
