import Foundation
import SeglabClustering
import SeglabData
import SeglabNumerics

/// `seglab-bench kmeans [--data PATH] [--k K] [--runs N]`: K-Means on a customers table
/// (default `/tmp/anchors_data/customers_1m.csv`, the anchors' file), its numeric columns
/// scaled `standard` as a run sees them. Times, as `benchmarks/sklearn_kmeans.py` does for
/// scikit-learn: the k-means++ initialisation alone, a whole fit (k-means++, n_init 1,
/// max_iter 300, tol 1e-4), and from those the seconds per Lloyd iteration
/// ((fit − init) / n_iter). Medians of N runs after one warm-up.
func kmeansBenchmark(arguments: [String]) throws {
    var path = "/tmp/anchors_data/customers_1m.csv"
    var k = 8, runs = 5
    var it = arguments.makeIterator()
    while let a = it.next() {
        switch a {
        case "--data": path = it.next() ?? path
        case "--k": k = Int(it.next() ?? "") ?? k
        case "--runs": runs = max(1, Int(it.next() ?? "") ?? runs)
        default: throw BenchError("unknown argument \(a)")
        }
    }
    let x = try scaledCustomers(path)
    print("data: \(path) (\(x.rows) × \(x.cols), scaled standard), k = \(k), median of \(runs) runs after 1 warm-up; "
          + "distance kernels: \(KernelLevel.current.name)")
    let kmeans = KMeans(k: k, initialization: .kMeansPlusPlus, nInit: 1)
    var initSeconds = [Double](), fitSeconds = [Double](), initCPU = [Double](), fitCPU = [Double]()
    var nIter = 0.0, inertia = 0.0
    for run in 0 ... runs {
        var rng = Xoshiro256StarStar(seed: UInt64(run), stream: "fit")
        let (t0, c0) = (DispatchTime.now().uptimeNanoseconds, cpuSeconds())
        _ = kmeans.initialCenters(x, rng: &rng)
        let (t1, c1) = (DispatchTime.now().uptimeNanoseconds, cpuSeconds())
        rng = Xoshiro256StarStar(seed: UInt64(run), stream: "fit")
        let fit = try kmeans.fit(x, rng: &rng, context: .detached())
        let (t2, c2) = (DispatchTime.now().uptimeNanoseconds, cpuSeconds())
        guard run > 0 else { continue }
        initSeconds.append(Double(t1 - t0) / 1e9)
        fitSeconds.append(Double(t2 - t1) / 1e9)
        initCPU.append(c1 - c0)
        fitCPU.append(c2 - c1)
        nIter += fit.metrics["n_iter"]! / Double(runs)
        inertia = fit.metrics["inertia"]!
    }
    let initMedian = median(initSeconds), fitMedian = median(fitSeconds)
    let initCPUMedian = median(initCPU), fitCPUMedian = median(fitCPU)
    print("                      wall (median)   CPU, all threads (median; a busy machine inflates wall, not CPU)")
    print(String(format: "kmeanspp_init_k%d    %10.4f s   %10.4f s", k, initMedian, initCPUMedian))
    print(String(format: "kmeans_fit_k%d       %10.4f s   %10.4f s   mean n_iter %.1f, inertia %.6g", k, fitMedian, fitCPUMedian, nIter, inertia))
    print(String(format: "lloyd_s_per_iter_k%d %10.5f s   %10.5f s", k, (fitMedian - initMedian) / nIter, (fitCPUMedian - initCPUMedian) / nIter))
}

/// The numeric columns of a customers CSV (`customer_id`, optional `true_segment`), scaled
/// `standard`, through the same loader and pipeline a run uses.
func scaledCustomers(_ path: String) throws -> Matrix {
    let header = String(decoding: (FileHandle(forReadingAtPath: path)?.readData(ofLength: 4096)) ?? Data(), as: UTF8.self)
    let truth = header.prefix { $0 != "\n" }.split(separator: ",").contains("true_segment") ? "true_segment" : nil
    let table = try DataLoader.load(.customersCSV(CustomersCSVSource(path: path, id: "customer_id", truth: truth)),
                                    cleaning: CleaningRules(), usedColumns: nil)
    return try FeaturePipeline.fit(FeatureSetDefinition(name: "all"), on: table).1
}

/// User + system CPU seconds of the whole process so far (every thread).
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
