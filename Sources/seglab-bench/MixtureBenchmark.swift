import Foundation
import SeglabClustering
import SeglabData
import SeglabNumerics

/// `seglab-bench gmm [--data PATH] [--k K] [--covariance full] [--runs N] [--seed S]`: wall
/// time of one `gmm` fit (K-Means initialisation included, as in a run) on the anchors'
/// customers file, its 8 features standardised as `benchmarks/grids_vs_sklearn.py` does.
/// Prints every run (seconds, EM iterations, seconds per iteration, mean log-likelihood) and
/// the median; `benchmarks/gmm_vs_sklearn.py` runs this beside scikit-learn's fit.
func mixtureBenchmark(arguments: [String]) throws {
    var path = "/tmp/anchors_data/customers_100k.csv"
    var k = 8, runs = 3, seed: UInt64 = 0
    var covariance = CovarianceType.full
    var rest = arguments[...]
    while let a = rest.popFirst() {
        guard let v = rest.popFirst() else { throw BenchmarkError("\(a) needs a value") }
        switch a {
        case "--data": path = v
        case "--k": k = Int(v) ?? k
        case "--runs": runs = max(1, Int(v) ?? runs)
        case "--seed": seed = UInt64(v) ?? seed
        case "--covariance":
            guard let c = CovarianceType(rawValue: v) else { throw BenchmarkError("unknown covariance \(v)") }
            covariance = c
        default: throw BenchmarkError("unknown argument \(a)")
        }
    }
    let columns = ["recency_days", "frequency", "monetary", "avg_basket", "tenure_days", "distinct_products",
                   "return_rate", "days_between_orders"]
    let table = try DataLoader.load(.customersCSV(CustomersCSVSource(path: path, id: "customer_id", truth: "true_segment")),
                                    cleaning: CleaningRules(), usedColumns: Set(columns))
    let x = try FeaturePipeline.fit(FeatureSetDefinition(name: "all", columns: columns, scale: .standard), on: table).1
    print("gmm k=\(k) covariance=\(covariance) on \(path) (\(x.rows) × \(x.cols)), \(runs) runs, \(ProcessInfo.processInfo.activeProcessorCount) cores")
    var seconds = [Double]()
    for run in 1 ... runs {
        var rng = Xoshiro256StarStar(seed: seed &+ UInt64(run - 1), stream: "fit")
        let start = DispatchTime.now().uptimeNanoseconds, cpuStart = processCPUSeconds()
        let fit = try GaussianMixture(k: k, covariance: covariance).fit(x, rng: &rng, context: .detached())
        let s = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpu = processCPUSeconds() - cpuStart
        seconds.append(s)
        let iterations = fit.metrics["n_iter"]!
        print(String(format: "run %d: %.3f s (CPU %.3f s), n_iter %d, %.4f s/iter, log_likelihood %.6f, converged %d",
                     run, s, cpu, Int(iterations), s / iterations, fit.metrics["log_likelihood"]!, Int(fit.metrics["converged"]!)))
    }
    print(String(format: "median %.3f s", seconds.sorted()[seconds.count / 2]))
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
