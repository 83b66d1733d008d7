import XCTest
import Foundation
@testable import SeglabEmbedding
import SeglabNumerics
import SeglabTestSupport

/// The pieces of t-SNE against direct computations: exact neighbours, the perplexity
/// search, the symmetric P, Barnes–Hut against the exact sum, the gradient against finite
/// differences of the KL divergence.
final class TSNEComponentTests: XCTestCase {
    /// Points with small integer coordinates: squared distances are exact in any formula,
    /// so ties are real ties and the order among them is the contract (lower index first).
    private func integerPoints(_ n: Int, dims: Int, seed: UInt64) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed)
        return Matrix(rowArrays: (0 ..< n).map { _ in (0 ..< dims).map { _ in Double(rng.nextInt(below: 7)) } })
    }

    private func gaussianPoints(_ n: Int, dims: Int, seed: UInt64) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed)
        return Matrix(rowArrays: (0 ..< n).map { i in (0 ..< dims).map { d in Double((i % 3) * (d + 1)) + rng.nextGaussian() } })
    }

    func testNeighboursAreExactWithTiesByLowerIndex() {
        let x = integerPoints(300, dims: 3, seed: 7)   // 343 possible points: many duplicates and ties
        let k = 12
        let graph = NeighborGraph(x, k: k, workers: 2)
        for i in 0 ..< x.rows {
            var candidates = [(distance: Double, index: Int)]()
            for j in 0 ..< x.rows where j != i {
                var d = 0.0
                for f in 0 ..< 3 { d += (x[i, f] - x[j, f]) * (x[i, f] - x[j, f]) }
                candidates.append((d, j))
            }
            candidates.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.index < $1.index }
            let expected = candidates.prefix(k)
            XCTAssertEqual(graph.indices[i * k ..< (i + 1) * k].map { Int($0) }, expected.map { $0.index }, "row \(i)")
            XCTAssertEqual(Array(graph.squaredDistances[i * k ..< (i + 1) * k]), expected.map { $0.distance }, "row \(i)")
        }
    }

    func testPerplexitySearchReachesTheTargetEntropy() {
        let x = gaussianPoints(400, dims: 4, seed: 3)
        let graph = NeighborGraph(x, k: 91, workers: nil)
        let p = PerplexitySearch.conditionalProbabilities(graph, perplexity: 30, workers: nil)
        for i in 0 ..< x.rows {
            let row = p[i * 91 ..< (i + 1) * 91]
            XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-12)
            let entropy = -row.reduce(0.0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
            XCTAssertEqual(entropy, log(30), accuracy: 2e-5, "row \(i)")
        }
    }

    func testJointProbabilitiesAreSymmetricAndSumToOne() {
        let x = gaussianPoints(200, dims: 3, seed: 5)
        let graph = NeighborGraph(x, k: 10, workers: nil)
        let conditional = PerplexitySearch.conditionalProbabilities(graph, perplexity: 3, workers: nil)
        let p = JointProbabilities(graph: graph, conditional: conditional)
        var dense = [[Double]](repeating: [Double](repeating: 0, count: 200), count: 200)
        for i in 0 ..< 200 {
            let cols = p.columns[p.rowStart[i] ..< p.rowStart[i + 1]].map(Int.init)
            XCTAssertEqual(cols, cols.sorted(), "row \(i) columns ascending")
            XCTAssertEqual(Set(cols).count, cols.count, "row \(i) has no repeated column")
            for e in p.rowStart[i] ..< p.rowStart[i + 1] { dense[i][Int(p.columns[e])] = p.values[e] }
        }
        // (C + Cᵀ) / sum from the dense conditional matrix.
        var c = [[Double]](repeating: [Double](repeating: 0, count: 200), count: 200)
        for i in 0 ..< 200 { for e in 0 ..< 10 { c[i][Int(graph.indices[i * 10 + e])] = conditional[i * 10 + e] } }
        for i in 0 ..< 200 {
            for j in 0 ..< 200 {
                XCTAssertEqual(dense[i][j], dense[j][i])
                XCTAssertEqual(dense[i][j], (c[i][j] + c[j][i]) / 400, accuracy: 1e-15)
            }
        }
        XCTAssertEqual(p.values.reduce(0, +), 1, accuracy: 1e-12)
    }

    /// With θ = 0 no cell is summarised: the tree must give the exact O(n²) sums.
    func testBarnesHutWithZeroAngleIsTheExactSum() {
        var rng = Xoshiro256StarStar(seed: 11)
        var position = (0 ..< 2 * 300).map { _ in 5 * rng.nextGaussian() }
        position[2 * 7] = position[2 * 3]; position[2 * 7 + 1] = position[2 * 3 + 1]   // a duplicate pair
        var tree = BarnesHutTree(capacity: 300)
        position.withUnsafeBufferPointer { tree.build($0.baseAddress!, count: 300) }
        XCTAssertEqual(tree.cells.first?.count, 300)
        for i in 0 ..< 300 {
            var force = (x: 0.0, y: 0.0)
            let z = tree.repulsion(x: position[2 * i], y: position[2 * i + 1], squaredTheta: 0, force: &force)
            var ez = 0.0, ex = 0.0, ey = 0.0
            for j in 0 ..< 300 {
                let dx = position[2 * i] - position[2 * j], dy = position[2 * i + 1] - position[2 * j + 1]
                if dx == 0 && dy == 0 { continue }   // itself and its duplicate, as scikit-learn's tree
                let q = 1 / (1 + dx * dx + dy * dy)
                ez += q; ex += q * q * dx; ey += q * q * dy
            }
            XCTAssertEqual(z, ez, accuracy: 1e-12 * ez)
            XCTAssertEqual(force.x, ex, accuracy: 1e-12 * max(1, abs(ex)))
            XCTAssertEqual(force.y, ey, accuracy: 1e-12 * max(1, abs(ey)))
        }
    }

    /// Barnes–Hut's error shrinks with θ: printed for θ = 0.5 (scikit-learn's default) and
    /// 0.2, worst point of a sample, against the exact sum.
    func testBarnesHutErrorShrinksWithTheAngle() {
        var rng = Xoshiro256StarStar(seed: 12)
        let position = (0 ..< 2 * 2000).map { _ in 10 * rng.nextGaussian() }
        var tree = BarnesHutTree(capacity: 2000)
        position.withUnsafeBufferPointer { tree.build($0.baseAddress!, count: 2000) }
        func worstRelativeError(theta: Double) -> Double {
            var worst = 0.0
            for i in stride(from: 0, to: 2000, by: 20) {
                var approximate = (x: 0.0, y: 0.0), exact = (x: 0.0, y: 0.0)
                let z = tree.repulsion(x: position[2 * i], y: position[2 * i + 1], squaredTheta: theta * theta, force: &approximate)
                let ez = tree.repulsion(x: position[2 * i], y: position[2 * i + 1], squaredTheta: 0, force: &exact)
                worst = max(worst, abs(z - ez) / ez)
            }
            return worst
        }
        let coarse = worstRelativeError(theta: 0.5), fine = worstRelativeError(theta: 0.2)
        print("Barnes–Hut worst relative error of a point's Z: θ 0.5: \(coarse), θ 0.2: \(fine)")
        XCTAssertLessThan(fine, coarse)
        XCTAssertLessThan(coarse, 0.05)
        XCTAssertLessThan(fine, 0.01)
    }

    /// The gradient of Σ p_ij log(p_ij / q_ij) over P's non-zeros, checked by central
    /// differences (θ = 0, so the gradient is exact).
    func testGradientMatchesFiniteDifferencesOfTheDivergence() {
        let n = 40
        let x = gaussianPoints(n, dims: 3, seed: 9)
        let graph = NeighborGraph(x, k: 15, workers: nil)
        let p = JointProbabilities(graph: graph, conditional: PerplexitySearch.conditionalProbabilities(graph, perplexity: 5, workers: nil))
        var rng = Xoshiro256StarStar(seed: 2)
        let position = (0 ..< 2 * n).map { _ in rng.nextGaussian() }

        func divergence(_ y: [Double]) -> Double {
            var z = 0.0
            for i in 0 ..< n { for j in 0 ..< n where i != j {
                let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
                z += 1 / (1 + dx * dx + dy * dy)
            } }
            var kl = 0.0
            for i in 0 ..< n { for e in p.rowStart[i] ..< p.rowStart[i + 1] {
                let j = Int(p.columns[e])
                let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
                kl += p.values[e] * log(p.values[e] / (1 / (1 + dx * dx + dy * dy) / z))
            } }
            return kl
        }
        var gradient = TSNEGradient(p: p, angle: 0, workers: nil)
        var g = [Double](repeating: 0, count: 2 * n)
        let kl = gradient.evaluate(at: position, exaggeration: 1, withError: true, into: &g)
        XCTAssertEqual(kl!, divergence(position), accuracy: 1e-12)
        let h = 1e-6
        for e in 0 ..< 2 * n {
            var plus = position, minus = position
            plus[e] += h; minus[e] -= h
            let numeric = (divergence(plus) - divergence(minus)) / (2 * h)
            XCTAssertEqual(g[e], numeric, accuracy: 1e-6 + 1e-5 * abs(numeric), "coordinate \(e)")
        }
    }

    /// The whole gradient against scikit-learn's `_kl_divergence_bh` at the same embedding
    /// (Fixtures/make_gradient_fixture.py): the same P, the same quadtree cells and the
    /// same sums, so the only difference is scikit-learn's float32 arithmetic (measured:
    /// 4.7e-7 of the largest component; bound 1e-5, float32's epsilon × 80).
    func testGradientMatchesScikitLearn() throws {
        try SharedFixtures.require("reference/blobs_2k.csv")
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/expected_gradient.json")
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let rows = doc["rows"] as! Int
        let position = doc["embedding"] as! [Double], expected = doc["gradient"] as! [Double]
        let x = try SharedFixtures.referenceDataset("blobs_2k").x.selectingRows(Array(0 ..< rows))
        let graph = NeighborGraph(x, k: 91, workers: nil)
        let p = JointProbabilities(graph: graph, conditional: PerplexitySearch.conditionalProbabilities(graph, perplexity: 30, workers: nil))
        var gradient = TSNEGradient(p: p, angle: 0.5, workers: nil)
        var g = [Double](repeating: 0, count: 2 * rows)
        let kl = gradient.evaluate(at: position, exaggeration: 1, withError: true, into: &g)!
        let scale = expected.map(\.magnitude).max()!
        for e in 0 ..< 2 * rows {
            XCTAssertEqual(g[e], expected[e], accuracy: 1e-5 * scale, "component \(e)")
        }
        XCTAssertEqual(kl, doc["kl_divergence"] as! Double, accuracy: 1e-5)
    }
}
