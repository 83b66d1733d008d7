import Foundation
import XCTest
@testable import SeglabClustering
import SeglabNumerics
import SeglabTestSupport

final class MiniBatchKMeansTests: XCTestCase {
    func testParametersAndDefaults() throws {
        let p = MiniBatchKMeans.resolve(["k": .int(4)])
        XCTAssertEqual(p.values, ["k": .int(4), "init": .string("k-means++"), "n_init": .int(1), "batch_size": .int(1024),
                                  "max_iter": .int(100), "init_size": .null, "reassignment_ratio": .real(0.01),
                                  "max_no_improvement": .int(10), "tol": .real(0)])
        XCTAssertEqual(MiniBatchKMeans.resolve(["k": .int(4), "init": .string("random")]).int("n_init"), 3)
        let m = try MiniBatchKMeans(parameters: MiniBatchKMeans.resolve(["k": .int(3), "max_no_improvement": .null,
                                                                         "init_size": .int(500)]))
        XCTAssertNil(m.maxNoImprovement)
        XCTAssertEqual(m.initSize, 500)
        XCTAssertTrue(AlgorithmRegistry.named("minibatch_kmeans") == MiniBatchKMeans.self)
    }

    /// scikit-learn's `_mini_batch_convergence` on a sequence worked out by hand: batch 10 of
    /// n = 39 rows gives α = min(2·10 / 40, 1) = 0.5; inertias are divided by the batch size.
    func testEarlyStoppingFollowsTheSmoothedInertia() {
        var rule = MiniBatchConvergence(batchSize: 10, rows: 39, tol: 0, maxNoImprovement: 2)
        // step: raw batch inertia → smoothed; lowest so far; steps without improvement.
        let steps: [(Double, Double?, Int, Bool)] = [
            (100, nil, 0, false),   // the first batch only reflects the initialisation
            (50, 5.0, 0, false),    // first smoothed value: 5
            (30, 4.0, 0, false),    // 0.5·5 + 0.5·3 = 4 < 5
            (60, 5.0, 1, false),    // 0.5·4 + 0.5·6 = 5, not below 4
            (20, 3.5, 0, false),    // 0.5·5 + 0.5·2 = 3.5 < 4
            (40, 3.75, 1, false),
            (40, 3.875, 2, true),   // two steps without a new low: stop
        ]
        for (step, (raw, ewa, stalled, stop)) in steps.enumerated() {
            XCTAssertEqual(rule.shouldStop(step: step, batchInertia: raw, centersSquaredDiff: 1), stop, "step \(step)")
            XCTAssertEqual(rule.ewaInertia, ewa, "step \(step)")
            XCTAssertEqual(rule.noImprovement, stalled, "step \(step)")
        }
        XCTAssertEqual(rule.ewaInertiaMin, 3.5)

        // max_no_improvement null never stops on the inertia; tol stops on a small centre shift
        // (never at the first step); with a batch as large as the data the average is the last value.
        var never = MiniBatchConvergence(batchSize: 10, rows: 39, tol: 0, maxNoImprovement: nil)
        for step in 0 ..< 50 { XCTAssertFalse(never.shouldStop(step: step, batchInertia: Double(step), centersSquaredDiff: 0)) }
        var small = MiniBatchConvergence(batchSize: 10, rows: 10, tol: 0.5, maxNoImprovement: nil)
        XCTAssertFalse(small.shouldStop(step: 0, batchInertia: 10, centersSquaredDiff: 0))
        XCTAssertFalse(small.shouldStop(step: 1, batchInertia: 20, centersSquaredDiff: 0.6))
        XCTAssertFalse(small.shouldStop(step: 2, batchInertia: 70, centersSquaredDiff: 0.6))
        XCTAssertEqual(small.ewaInertia, 7)
        XCTAssertTrue(small.shouldStop(step: 3, batchInertia: 70, centersSquaredDiff: 0.5))
        var zero = MiniBatchConvergence(batchSize: 10, rows: 39, tol: 0, maxNoImprovement: 0)
        XCTAssertFalse(zero.shouldStop(step: 0, batchInertia: 1, centersSquaredDiff: 0))
        XCTAssertTrue(zero.shouldStop(step: 1, batchInertia: 1, centersSquaredDiff: 0))
    }

    /// scikit-learn's `_mini_batch_step` worked out by hand: running means weighted by the
    /// counts, then re-seeding of a centre whose count fell below the ratio, whose count is
    /// then raised to the smallest other count.
    func testStepMovesCentresToRunningMeansAndReseedsStarvedOnes() {
        var state = MiniBatchState(centers: Matrix(rowArrays: [[0], [10]]), batchSize: 5)
        state.batch = Matrix(rowArrays: [[1], [2], [9], [11], [3]])
        state.batchNorms = [1, 4, 81, 121, 9]
        var rng = Xoshiro256StarStar(seed: 1)
        let first = state.step(reseed: 0.01, measureShift: true, rng: &rng)
        XCTAssertEqual(first.inertia, 1 + 4 + 1 + 1 + 9)       // against the centres before the move
        XCTAssertEqual(state.centers.storage, [2, 10])          // (1+2+3)/3, (9+11)/2
        XCTAssertEqual(state.counts, [3, 2])
        XCTAssertEqual(first.squaredShift, 4)

        state.batch = Matrix(rowArrays: [[2], [2], [2], [2], [6]])
        state.batchNorms = [4, 4, 4, 4, 36]
        let second = state.step(reseed: 0.5, measureShift: false, rng: &rng)
        XCTAssertEqual(second.inertia, 16)
        // Centre 0: (2·3 + 2+2+2+2+6) / 8 = 2.5. Centre 1 took no row; its count 2 < 0.5 × 8,
        // so it is re-seeded on a batch row and its count becomes 8.
        XCTAssertEqual(state.centers[0, 0], 2.5)
        XCTAssertTrue([2, 6].contains(state.centers[1, 0]))
        XCTAssertEqual(state.counts, [8, 8])
        XCTAssertEqual(second.squaredShift, 0)
    }

    func testSameSeedGivesIdenticalBitsAndPredictReproducesLabels() throws {
        var gen = Xoshiro256StarStar(seed: 11)
        let x = Matrix(rowArrays: (0 ..< 30_000).map { i in
            let c = Double(i % 4)
            return [c * 5 + gen.nextGaussian(), c * c + gen.nextGaussian(), gen.nextGaussian()]
        })
        let mbk = MiniBatchKMeans(k: 4, initialization: .kMeansPlusPlus, nInit: 2, batchSize: 256)
        var r1 = Xoshiro256StarStar(seed: 42, stream: "fit"), r2 = Xoshiro256StarStar(seed: 42, stream: "fit")
        let a = try mbk.fit(x, rng: &r1, context: .detached()), b = try mbk.fit(x, rng: &r2, context: .detached())
        XCTAssertEqual(a.labels, b.labels)
        XCTAssertEqual(a.model.centers.flatMap { $0 }.map(\.bitPattern), b.model.centers.flatMap { $0 }.map(\.bitPattern))
        XCTAssertEqual(a.model.predict(x).labels, a.labels)
        XCTAssertEqual(a.metrics["inertia"]!, Kernels.sumSquaredResiduals(x, centers: Matrix(rowArrays: a.model.centers), labels: a.labels))
        // Early stopping ended the fit long before max_iter passes.
        XCTAssertLessThan(a.metrics["n_iter"]!, 100)
        XCTAssertEqual(Set(a.labels), Set(0 ..< 4))
    }

    func testTooFewRowsAndNonFiniteDataThrow() {
        var rng = Xoshiro256StarStar(seed: 1)
        XCTAssertThrowsError(try MiniBatchKMeans(k: 5).fit(Matrix(rowArrays: [[0], [1], [2]]), rng: &rng, context: .detached()))
        XCTAssertThrowsError(try MiniBatchKMeans(k: 2).fit(Matrix(rowArrays: [[0], [.infinity], [2]]), rng: &rng, context: .detached()))
    }

    /// Quality against scikit-learn's `MiniBatchKMeans` (every default, random_state 0..19) on
    /// six reference sets × k in 2, 3, 4, 5, 6, 8 (`Fixtures/expected_minibatch.json`, from
    /// `make_minibatch_fixtures.py`), seglab with 20 seeds per case.
    ///
    /// Why distributions, not one fit: mini-batch inertia depends on the random batches, and
    /// scikit-learn's own 20 seeds spread from the Lloyd optimum to 1.87 × it (blobs_20k,
    /// k = 4); on data with two basins the median of 20 lands in either (blobs_20k, k = 3:
    /// with one set of seeds seglab's median was 11 % above scikit-learn's, its mean 3 %). So:
    /// - per case, seglab's median ≤ scikit-learn's 90th percentile (18th of 20): never worse
    ///   than scikit-learn's own spread;
    /// - over the 36 cases, the geometric mean of seglab median / scikit-learn median ≤ 1.02
    ///   (1.003 with these seeds): as good on the whole, to 2 %.
    func testQualityAgainstScikitLearn() throws {
        try SharedFixtures.require("reference/blobs_20k.csv")
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/expected_minibatch.json")
        let fixture = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var logRatios = [Double]()
        for (name, entry) in (fixture["datasets"] as! [String: [String: Any]]).sorted(by: { $0.key < $1.key }) {
            let data = try Data(contentsOf: SharedFixtures.referenceDir.appendingPathComponent("\(name).csv"))
            XCTAssertEqual(GaussianMixtureTests.sha256(data), entry["sha256"] as? String, "\(name).csv is not the file the fixture measured")
            let (x, _) = try SharedFixtures.referenceDataset(name)
            for run in entry["runs"] as! [[String: Any]] {
                let k = run["k"] as! Int
                let sklearn = (run["inertia"] as! [Double]).sorted()
                let mine = try (0 ..< 20).map { seed -> Double in
                    var rng = Xoshiro256StarStar(seed: UInt64(seed), stream: "\(name).\(k)")
                    return try MiniBatchKMeans(k: k).fit(x, rng: &rng, context: .detached()).metrics["inertia"]!
                }.sorted()
                let median = (mine[9] + mine[10]) / 2
                XCTAssertLessThanOrEqual(median, sklearn[17], "\(name) k=\(k)")
                logRatios.append(log(median / (run["median"] as! Double)))
            }
        }
        XCTAssertEqual(logRatios.count, 36)
        let geometricMean = exp(logRatios.reduce(0, +) / Double(logRatios.count))
        XCTAssertLessThanOrEqual(geometricMean, 1.02)
        print("minibatch_kmeans vs scikit-learn: geometric mean of median inertia ratios \(geometricMean)")
    }
}
