import Foundation
import SeglabClustering
import SeglabMetrics
import SeglabNumerics

/// `seglab-bench kernels [--data PATH] [--labels PATH] [--runs N]`: times one Lloyd
/// assignment pass (k = 6, centres = the label means) and the exact silhouette, plus the
/// Davies–Bouldin and Calinski–Harabasz indices, on blobs_20k with its K-Means labels.
/// Median of N (≥ 5) runs after one warm-up; `benchmarks/sklearn_kernels.py` times the same.
func kernelBenchmark(arguments: [String]) {
    var dataPath = "../shared/reference/blobs_20k.csv"
    var labelsPath: String?
    var runs = 7
    var it = arguments.makeIterator()
    while let a = it.next() {
        switch a {
        case "--data": dataPath = it.next() ?? dataPath
        case "--labels": labelsPath = it.next()
        case "--runs": runs = max(5, Int(it.next() ?? "") ?? runs)
        default: fail("unknown argument \(a)")
        }
    }
    let labelsFile = labelsPath ?? URL(fileURLWithPath: dataPath).deletingLastPathComponent()
        .appendingPathComponent("labels_kmeans_blobs_20k.csv").path
    let x = readFeatures(dataPath)
    let labels = readLabels(labelsFile)
    guard labels.count == x.rows else { fail("\(labelsFile) has \(labels.count) labels for \(x.rows) rows") }
    let k = (labels.max() ?? -1) + 1
    let sums = Kernels.groupSums(x, labels: labels, groups: k)
    var centers = sums.sums
    for c in 0 ..< k { for f in 0 ..< x.cols { centers[c, f] /= Double(sums.counts[c]) } }

    print("data: \(dataPath) (\(x.rows) × \(x.cols)), k = \(k), median of \(runs) runs after 1 warm-up")
    print("operation                 median_ms      min_ms  median_cpu_ms   value")
    report("lloyd_assignment_pass", runs) {
        let (l, d) = Kernels.nearestCenters(x, centers: centers)
        return Double(l.count) + d[0] * 0
    }
    report("silhouette_exact", runs) { silhouetteScore(x: x, labels: labels).value! }
    report("davies_bouldin", runs) { daviesBouldinScore(x: x, labels: labels).value! }
    report("calinski_harabasz", runs) { calinskiHarabaszScore(x: x, labels: labels).value! }
}

/// Times `body` and prints one table row: median and minimum wall-clock milliseconds.
private func report(_ name: String, _ runs: Int, _ body: () -> Double) {
    let clock = ContinuousClock()
    var value = body()
    var ms = [Double](), cpu = [Double]()
    for _ in 0 ..< runs {
        let c0 = cpuSeconds()
        let t = clock.measure { value = body() }
        cpu.append((cpuSeconds() - c0) * 1e3)
        ms.append(Double(t.components.seconds) * 1e3 + Double(t.components.attoseconds) * 1e-15)
    }
    ms.sort()
    let cells = [name.padding(toLength: 22, withPad: " ", startingAt: 0),
                 String(format: "%12.3f", ms[ms.count / 2]), String(format: "%11.3f", ms[0]),
                 String(format: "%14.3f", median(cpu)), "   \(value)"]
    print(cells.joined(separator: " "))
}

/// Columns `x*` of a reference CSV (header row, `id` first).
func readFeatures(_ path: String) -> Matrix {
    let (header, rows) = readCSV(path)
    let cols = header.indices.filter { header[$0].hasPrefix("x") }
    return Matrix(rowArrays: rows.map { r in cols.map { Double(r[$0])! } })
}

/// The `label` column of a labels CSV.
private func readLabels(_ path: String) -> [Int] {
    let (header, rows) = readCSV(path)
    guard let l = header.firstIndex(of: "label") else { fail("\(path) has no label column") }
    return rows.map { Int($0[l])! }
}

func readCSV(_ path: String) -> (header: [String], rows: [[Substring]]) {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read \(path)") }
    var lines = text.split(separator: "\n")
    guard !lines.isEmpty else { fail("\(path) is empty") }
    let header = lines.removeFirst().split(separator: ",").map(String.init)
    return (header, lines.map { $0.split(separator: ",") })
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("seglab-bench: \(message)\n".utf8))
    exit(2)
}
