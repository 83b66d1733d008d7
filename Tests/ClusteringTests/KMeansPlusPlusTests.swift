import XCTest
@testable import SeglabClustering
import SeglabNumerics

/// k-means++ with the triangle inequality and the chunk-located draws against the algorithm
/// written here the plain way (every candidate's distance to every row, numpy's cumsum and
/// searchsorted over all rows, potentials summed per chunk in chunk order): the rows picked
/// must be the same, on data made to stress the bounds (exact ties and duplicate rows, heavy
/// tails, several chunks), and the bounds must actually spare rows.
final class KMeansPlusPlusTests: XCTestCase {
    /// The reference, as the first implementation computed it.
    private func plainPlusPlus(_ x: Matrix, k: Int, rng: inout Xoshiro256StarStar) -> [Int] {
        let n = x.rows, d = x.cols
        let norms = Kernels.rowSquaredNorms(x)
        func distance(_ i: Int, _ c: Int) -> Double {
            var dot = x[i, 0] * x[c, 0]
            for f in 1 ..< d { dot += x[i, f] * x[c, f] }
            let v = (norms[i] - 2 * dot) + norms[c]
            return v < 0 ? 0 : v
        }
        // Per chunk of `Kernels.rowChunk` rows in row order, then the chunks in order.
        func chunkedSum(_ values: [Double]) -> Double {
            stride(from: 0, to: n, by: Kernels.rowChunk).map { start in
                values[start ..< min(start + Kernels.rowChunk, n)].reduce(0, +)
            }.reduce(0, +)
        }
        let trials = 2 + Int(log(Double(k)))
        var chosen = [rng.nextInt(below: n)]
        var closest = (0 ..< n).map { distance($0, chosen[0]) }
        var potential = chunkedSum(closest)
        for _ in 1 ..< k {
            var cumulative = [Double](), running = 0.0
            for v in closest {
                running += v
                cumulative.append(running)
            }
            let candidates = (0 ..< trials).map { _ -> Int in
                let target = rng.nextDouble() * potential
                return min(cumulative.firstIndex { $0 >= target } ?? n, n - 1)
            }
            let folded = candidates.map { c in (0 ..< n).map { i in min(closest[i], distance(i, c)) } }
            let potentials = folded.map(chunkedSum)
            var best = 0
            for t in 1 ..< trials where potentials[t] < potentials[best] { best = t }
            chosen.append(candidates[best])
            potential = potentials[best]
            closest = folded[best]
        }
        return chosen
    }

    /// At every kernel level. The bounds spare blocks of consecutive rows (a block is read when
    /// one of its rows could come nearer to a candidate), so they show on blobs stored blob by
    /// blob, as a table sorted by segment is.
    func testPicksThePlainAlgorithmsRowsWhileSparingSome() {
        let blobs = KMeansGoldenTests.blobs(n: 20_000, d: 5, centers: 6, seed: 11)
        let byBlob = blobs.selectingRows((0 ..< 6).flatMap { c in Array(stride(from: c, to: 20_000, by: 6)) })
        let cases: [(String, Matrix, [Int])] = [
            ("blobs", blobs, [2, 3, 8, 12]),
            ("blobs by blob", byBlob, [3, 8, 12]),
            ("ties", KMeansGoldenTests.grid(n: 9_000, d: 4, seed: 12), [5, 9]),
            ("three points", KMeansGoldenTests.threePoints(n: 10_000, seed: 13), [2, 6]),
            ("heavy", KMeansGoldenTests.heavy(n: 30_000, d: 8, seed: 14), [4, 17]),
        ]
        let levelBefore = KernelLevel.current
        defer { KernelLevel.use(levelBefore) }
        for (name, x, ks) in cases {
            for k in ks {
                for seed: UInt64 in [1, 2] {
                    var plainRNG = Xoshiro256StarStar(seed: seed)
                    let expected = plainPlusPlus(x, k: k, rng: &plainRNG)
                    for level in KernelLevel.allCases where level <= KernelLevel.supported {
                        KernelLevel.use(level)
                        var rng = Xoshiro256StarStar(seed: seed), listed = 0
                        let picked = KMeans(k: k).kMeansPlusPlusIndices(x, rng: &rng,
                                                                      listedRows: &listed)
                        XCTAssertEqual(picked, expected, "\(name) k=\(k) seed \(seed) \(level.name)")
                        var after = plainRNG
                        XCTAssertEqual(rng.next(), after.next(), "\(name) k=\(k): the same draws from the generator")
                        // Measured: 75-76 % of the rows read at k = 3, 55-61 % from k = 8.
                        if name == "blobs by blob" {
                            XCTAssertLessThan(listed, x.rows * (k - 1) * (k >= 8 ? 65 : 80) / 100, "\(name) k=\(k): the bounds spare rows")
                        }
                    }
                }
            }
        }
    }

    /// The draws located by chunk sums agree with the walk over every row, including targets on
    /// a running sum exactly (the fallback), zeros, NaN and targets past the total.
    func testChunkLocatedDrawsAgreeWithTheSerialWalk() {
        var rng = Xoshiro256StarStar(seed: 5)
        for (n, chunk) in [(1, 4), (10, 3), (1_000, 64), (5_000, 1_000), (20_000, 8_192)] {
            var values = (0 ..< n).map { _ in rng.nextDouble() < 0.2 ? 0 : rng.nextDouble() * rng.nextDouble() * 10 }
            if n > 10 { values[n / 2] = 1e6 }
            var running = 0.0
            let prefix = values.map { v -> Double in running += v; return running }
            let chunkSums = stride(from: 0, to: n, by: chunk).map { values[$0 ..< min($0 + chunk, n)].reduce(0, +) }
            let total = chunkSums.reduce(0, +)
            var targets = (0 ..< 50).map { _ in rng.nextDouble() * total }
            targets += [0, prefix[n - 1], prefix[n / 3], prefix[n / 2], total, total * 2, .nan, .infinity]
            let located = values.withUnsafeBufferPointer {
                KMeans.firstIndices(in: $0, chunkSums: chunkSums, chunkSize: chunk, reaching: targets)
            }
            let expected = targets.map { t in t.isNaN ? 0 : min(prefix.firstIndex { $0 >= t } ?? n, n - 1) }
            XCTAssertEqual(located, expected, "n=\(n) chunk=\(chunk)")
            for target in targets {
                // Every chunk whose values are read is prepared first (k-means++ folds it then).
                var prepared = Set<Int>()
                let one = values.withUnsafeBufferPointer {
                    KMeans.firstIndices(in: $0, chunkSums: chunkSums, chunkSize: chunk, reaching: [target],
                                        prepare: { prepared.insert($0) })
                }
                let serial = values.withUnsafeBufferPointer { KMeans.serialFirstIndices(in: $0, reaching: [target]) }
                XCTAssertEqual(one, serial, "n=\(n) chunk=\(chunk) target \(target)")
                if !target.isNaN {
                    XCTAssertTrue(prepared.contains(one[0] / chunk), "n=\(n) chunk=\(chunk) target \(target): its chunk prepared")
                }
            }
        }
    }
}
