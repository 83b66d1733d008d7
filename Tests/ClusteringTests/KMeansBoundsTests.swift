import XCTest
@testable import SeglabClustering
import SeglabNumerics

/// The bound-based Lloyd iterations (Hamerly's bounds, `BoundedAssignment`, with the sums
/// deferred between exact iterations) against a plain Lloyd written here the simplest way —
/// every row to its nearest centre with the full kernel, per-chunk sums combined in chunk
/// order — from the same starting centres: labels,
/// centres, inertia and iteration count must agree to the bit, iteration by iteration's end
/// result, on data made to stress the bounds (exact ties, duplicate rows and centres, empty
/// clusters, centres that barely move, wide value ranges).
final class KMeansBoundsTests: XCTestCase {
    /// The reference: scikit-learn's `_kmeans_single_lloyd` as the first implementation did it.
    private func plainLloyd(_ x: Matrix, centers initial: Matrix, k: Int, maxIter: Int, threshold: Double)
        -> (labels: [Int], centers: Matrix, nIter: Int) {
        let n = x.rows, d = x.cols
        let norms = Kernels.rowSquaredNorms(x)
        var centers = initial
        var previous = [Int](repeating: -1, count: n)
        var labels = previous
        var converged = false, nIter = 0
        for iteration in 0 ..< maxIter {
            nIter = iteration + 1
            let nearest = Kernels.nearestCenters(x, centers: centers, xNorms: norms)
            labels = nearest.labels
            var (sums, counts) = Kernels.groupSums(x, labels: labels, groups: k)
            var relocated = false
            let empty = counts.indices.filter { counts[$0] == 0 }
            if !empty.isEmpty {
                relocated = true
                let far = nearest.minSqDist.indices.sorted {
                    nearest.minSqDist[$0] > nearest.minSqDist[$1] || (nearest.minSqDist[$0] == nearest.minSqDist[$1] && $0 < $1)
                }
                for (target, row) in zip(empty, far) {
                    let source = labels[row]
                    for f in 0 ..< d {
                        sums[source, f] -= x[row, f]
                        sums[target, f] = x[row, f]
                    }
                    counts[target] = 1
                    counts[source] -= 1
                }
            }
            var updated = sums
            for c in 0 ..< k where counts[c] > 0 {
                let alpha = 1 / Double(counts[c])
                for f in 0 ..< d { updated[c, f] *= alpha }
            }
            var shift = 0.0
            for j in updated.storage.indices {
                let e = updated.storage[j] - centers.storage[j]
                shift += e * e
            }
            centers = updated
            if labels == previous && !relocated { converged = true; break }
            if shift <= threshold { break }
            previous = labels
        }
        if !converged { labels = Kernels.nearestCenters(x, centers: centers, xNorms: norms).labels }
        return (labels, centers, nIter)
    }

    /// Returns how many iterations deferred their sums, how many of those called rows too near a
    /// tie with Lloyd's centres, and how many were taken again, in all.
    @discardableResult
    private func compare(_ x: Matrix, k: Int, starts: Int, seed: UInt64, maxIter: Int = 300, tol: Double = 1e-4,
                         _ what: String, file: StaticString = #filePath, line: UInt = #line) throws
        -> (deferred: Int, resolved: Int, redone: Int) {
        var deferred = 0, resolved = 0, redone = 0
        let norms = Kernels.rowSquaredNorms(x)
        let variances = Kernels.columnVariances(x)
        let threshold = tol * variances.reduce(0, +) / Double(variances.count)
        var rng = Xoshiro256StarStar(seed: seed)
        for initialization in KMeans.Initialization.allCases {
            let kmeans = KMeans(k: k, initialization: initialization, maxIter: maxIter, tol: tol)
            let initial = (0 ..< starts).map { _ in kmeans.initialCenters(x, rng: &rng) }
            let fused = try kmeans.lloyd(x, facts: MatrixFacts(x), starts: initial, threshold: threshold, context: .detached())
            deferred += fused.reduce(0) { $0 + $1.deferredIterations }
            resolved += fused.reduce(0) { $0 + $1.resolvedIterations }
            redone += fused.reduce(0) { $0 + $1.redoneIterations }
            for (s, start) in initial.enumerated() {
                let plain = plainLloyd(x, centers: start, k: k, maxIter: maxIter, threshold: threshold)
                let label = "\(what) \(initialization.rawValue) start \(s)"
                // Compared as a whole, reported as a count (a million-label diff helps nobody).
                let differing = zip(fused[s].labels, plain.labels).filter { $0 != $1 }.count
                XCTAssertEqual(differing, 0, "\(label): labels differ", file: file, line: line)
                XCTAssertTrue(fused[s].centers.storage.map(\.bitPattern) == plain.centers.storage.map(\.bitPattern),
                              "\(label): centres differ", file: file, line: line)
                XCTAssertEqual(fused[s].nIter, plain.nIter, label, file: file, line: line)
                XCTAssertEqual(fused[s].inertia, Kernels.sumSquaredResiduals(x, centers: plain.centers, labels: plain.labels), label, file: file, line: line)
            }
        }
        return (deferred, resolved, redone)
    }

    /// Most iterations after the first defer their sums here (checked, so that the deferred
    /// path is what the comparison covers).
    func testBlobsOverSeveralChunksAndRestarts() throws {
        let blobs = try compare(KMeansGoldenTests.blobs(n: 3 * Kernels.rowChunk + 11, d: 6, centers: 7, seed: 21), k: 7, starts: 4, seed: 1, "blobs")
        let overfit = try compare(KMeansGoldenTests.blobs(n: 5_000, d: 2, centers: 3, seed: 22), k: 12, starts: 3, seed: 2, "overfit k")
        XCTAssertGreaterThan(blobs.deferred, 20)
        XCTAssertGreaterThan(overfit.deferred, 50)
    }

    /// Exact ties and empty clusters: a deferred iteration that leaves a cluster empty is taken
    /// again with Lloyd's centres (checked: the three points, k = 7, redo theirs).
    func testExactTiesDuplicatesAndEmptyClusters() throws {
        try compare(KMeansGoldenTests.grid(n: 12_000, d: 3, seed: 23), k: 9, starts: 3, seed: 3, "integer grid")
        let three = try compare(KMeansGoldenTests.threePoints(n: 9_000, seed: 24), k: 7, starts: 3, seed: 4, "three points")
        XCTAssertGreaterThan(three.redone, 0, "three points: iterations taken again")
        // Two exactly symmetric groups: every midpoint row is equidistant from two centres.
        let mirrored = Matrix(rowArrays: (0 ..< 4_000).map { i in [Double(i % 7) - 3, i % 2 == 0 ? 1 : -1] })
        try compare(mirrored, k: 2, starts: 5, seed: 5, "mirrored")
    }

    func testHeavyTailsTinyToleranceAndIterationLimits() throws {
        let heavy = KMeansGoldenTests.heavy(n: 20_000, d: 5, seed: 25)
        try compare(heavy, k: 10, starts: 3, seed: 6, tol: 0, "heavy, tol 0")
        try compare(heavy, k: 4, starts: 2, seed: 7, maxIter: 3, "heavy, max_iter 3")
        // Values near 1e8 with unit spread: large norms, so the rounding margin matters.
        var rng = Xoshiro256StarStar(seed: 26)
        let offset = Matrix(rows: 6_000, cols: 4, storage: (0 ..< 24_000).map { _ in 1e8 + rng.nextDouble() * 4 })
        // Sums near 6·10¹¹: the deferred centres' error is often too wide to call every row, and
        // the chunks with such rows are assigned again with Lloyd's centres.
        let wide = try compare(offset, k: 5, starts: 2, seed: 8, "offset 1e8")
        XCTAssertGreaterThan(wide.resolved, 0, "offset 1e8: rows called with Lloyd's centres")
    }
}
