import Crypto
import Dispatch
import Foundation
import XCTest
@testable import SeglabClustering
import SeglabNumerics
import SeglabTestSupport
import Synchronization

final class GaussianMixtureTests: XCTestCase {
    /// Three elongated, rotated clusters in 3 dimensions, more rows than one chunk.
    private func clusters(_ n: Int, seed: UInt64) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed)
        return Matrix(rowArrays: (0 ..< n).map { i in
            let a = rng.nextGaussian(), b = rng.nextGaussian(), c = rng.nextGaussian()
            switch i % 3 {
            case 0: return [3 * a, a + 0.3 * b, 0.5 * c]
            case 1: return [8 + 0.5 * a, -4 + 2 * b, c - b]
            default: return [-6 + a, 5 + 0.2 * b, 4 + 3 * c]
            }
        })
    }

    func testParametersAndDefaults() throws {
        let p = GaussianMixture.resolve(["k": .int(4)])
        XCTAssertEqual(p.values, ["k": .int(4), "covariance": .string("full"), "init": .string("kmeans"), "n_init": .int(1),
                                  "max_iter": .int(100), "tol": .real(1e-3), "reg_covar": .real(1e-6)])
        let g = try GaussianMixture(parameters: GaussianMixture.resolve(["k": .int(3), "covariance": .string("tied"),
                                                                         "init": .string("random_from_data")]))
        XCTAssertEqual(g.k, 3)
        XCTAssertEqual(g.covariance, .tied)
        XCTAssertEqual(g.initialization, .randomFromData)
        XCTAssertThrowsError(try GaussianMixture(parameters: GaussianMixture.resolve([:])))
        XCTAssertTrue(AlgorithmRegistry.named("gmm") == GaussianMixture.self)
        // scikit-learn's _n_parameters for k = 3, d = 4.
        XCTAssertEqual(CovarianceType.full.parameterCount(components: 3, dims: 4), 2 + 12 + 30)
        XCTAssertEqual(CovarianceType.tied.parameterCount(components: 3, dims: 4), 2 + 12 + 10)
        XCTAssertEqual(CovarianceType.diag.parameterCount(components: 3, dims: 4), 2 + 12 + 12)
        XCTAssertEqual(CovarianceType.spherical.parameterCount(components: 3, dims: 4), 2 + 12 + 3)
    }

    func testCholeskyFactorsAndRefusesAnIndefiniteMatrix() {
        let a: [Double] = [4, 2, -2, 2, 10, 5, -2, 5, 6]
        let l = Cholesky.lower(a, n: 3)!
        for i in 0 ..< 3 {
            for j in 0 ..< 3 {
                let v = (0 ..< 3).reduce(0.0) { $0 + l[i * 3 + $1] * l[j * 3 + $1] }
                XCTAssertEqual(v, a[i * 3 + j], accuracy: 1e-12)
            }
        }
        let inv = Cholesky.invertLower(l, n: 3)
        for i in 0 ..< 3 {
            for j in 0 ..< 3 {
                let v = (0 ..< 3).reduce(0.0) { $0 + l[i * 3 + $1] * inv[$1 * 3 + j] }
                XCTAssertEqual(v, i == j ? 1 : 0, accuracy: 1e-12)
            }
        }
        XCTAssertNil(Cholesky.lower([1, 2, 2, 1], n: 2))
        XCTAssertNil(Cholesky.lower([0, 0, 0, 1], n: 2))
    }

    func testSameSeedGivesIdenticalBitsAndPredictReproducesTheFit() throws {
        // More rows than one chunk (8,192) and not a multiple of 8: parallel sums and a partial last block.
        let x = clusters(Kernels.rowChunk + 1_001, seed: 4)
        for cov in CovarianceType.allCases {
            let gmm = GaussianMixture(k: 3, covariance: cov)
            var r1 = Xoshiro256StarStar(seed: 42, stream: "fit"), r2 = Xoshiro256StarStar(seed: 42, stream: "fit")
            let a = try gmm.fit(x, rng: &r1, context: .detached()), b = try gmm.fit(x, rng: &r2, context: .detached())
            XCTAssertEqual(a.labels, b.labels, "\(cov)")
            XCTAssertEqual(a.model, b.model, "\(cov)")
            XCTAssertEqual(a.metrics.mapValues(\.bitPattern), b.metrics.mapValues(\.bitPattern), "\(cov)")
            let predicted = a.model.predict(x)
            XCTAssertEqual(predicted.labels, a.labels, "\(cov)")
            XCTAssertEqual(predicted.scoreKind, .probability)
            XCTAssertTrue(predicted.scores.allSatisfy { $0 >= 1.0 / 3 && $0 <= 1 }, "\(cov)")
            XCTAssertEqual(Set(a.labels), [0, 1, 2], "\(cov)")
            XCTAssertEqual(a.model.weights.reduce(0, +), 1, accuracy: 1e-12)
            // With full covariances the three elongated clusters are recovered whole.
            if cov == .full {
                for c in 0 ..< 3 { XCTAssertEqual(Set(stride(from: c, to: x.rows, by: 3).map { a.labels[$0] }).count, 1) }
            }
        }
    }

    func testFitsRunningConcurrentlyAreIdenticalToASoloFit() throws {
        let x = clusters(Kernels.rowChunk * 2 + 37, seed: 6)
        let gmm = GaussianMixture(k: 4, covariance: .full, maxIter: 15)
        var solo = Xoshiro256StarStar(seed: 8)
        let reference = try gmm.fit(x, rng: &solo, context: .detached())
        let results = Mutex([ClusteringFit<GaussianMixtureModel>?](repeating: nil, count: 3))
        DispatchQueue.concurrentPerform(iterations: 3) { t in
            var rng = Xoshiro256StarStar(seed: 8)
            let fit = try! gmm.fit(x, rng: &rng, context: .detached())
            results.withLock { $0[t] = fit }
        }
        for r in results.withLock({ $0 }) {
            XCTAssertEqual(r!.labels, reference.labels)
            XCTAssertEqual(r!.model, reference.model)
            XCTAssertEqual(r!.metrics["log_likelihood"]!.bitPattern, reference.metrics["log_likelihood"]!.bitPattern)
        }
    }

    func testModelRoundTripsThroughJSONAndPredictsTheSame() throws {
        let x = clusters(3_000, seed: 9)
        for cov in CovarianceType.allCases {
            var rng = Xoshiro256StarStar(seed: 1)
            let model = try GaussianMixture(k: 3, covariance: cov).fit(x, rng: &rng, context: .detached()).model
            let decoded = try JSONDecoder().decode(GaussianMixtureModel.self, from: JSONEncoder().encode(model))
            XCTAssertEqual(decoded, model, "\(cov)")
            let a = model.predict(x), b = decoded.predict(x)
            XCTAssertEqual(a.labels, b.labels)
            XCTAssertEqual(a.scores.map(\.bitPattern), b.scores.map(\.bitPattern))
        }
        // precisions_cholesky is nested in scikit-learn's shape.
        let tied = GaussianMixtureModel(covariance: .tied, weights: [0.25, 0.75], means: [[0, 1], [2, 3]], precisionsCholesky: [1, 0.5, 0, 2])
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(tied)) as! [String: Any]
        XCTAssertEqual(object["precisions_cholesky"] as? [[Double]], [[1, 0.5], [0, 2]])
        let broken = #"{"covariance": "full", "weights": [1], "means": [[0, 0]], "precisions_cholesky": [[[1, 0]]]}"#
        XCTAssertThrowsError(try JSONDecoder().decode(GaussianMixtureModel.self, from: Data(broken.utf8)))
    }

    func testEveryInitialisationGivesAValidFitAndEachEMIterationIsACheckpoint() throws {
        let x = clusters(900, seed: 3)
        for initialization in GaussianMixture.Initialization.allCases {
            final class Stages: @unchecked Sendable { var seen: [FitContext.Progress] = [] }
            let stages = Stages()
            let context = FitContext(progress: { stages.seen.append($0) })
            var rng = Xoshiro256StarStar(seed: 5)
            let fit = try GaussianMixture(k: 3, covariance: .diag, initialization: initialization, maxIter: 300)
                .fit(x, rng: &rng, context: context)
            let em = stages.seen.filter { $0.stage == "em" }
            XCTAssertEqual(em.map(\.iteration), Array(1 ... Int(fit.metrics["n_iter"]!)), "\(initialization)")
            XCTAssertTrue(em.allSatisfy { $0.of == 300 })
            XCTAssertEqual(fit.metrics["converged"], 1, "\(initialization)")
            XCTAssertEqual(fit.labels.count, x.rows)
            XCTAssertEqual(fit.metrics["log_likelihood"]!, Self.naiveMeanLogLikelihood(fit.model, x), accuracy: 1e-9)
        }
        // max_iter 0 keeps the initial model, unconverged, as scikit-learn does.
        var rng = Xoshiro256StarStar(seed: 5)
        let none = try GaussianMixture(k: 3, maxIter: 0).fit(x, rng: &rng, context: .detached())
        XCTAssertEqual(none.metrics["n_iter"], 0)
        XCTAssertEqual(none.metrics["converged"], 0)
        // A stop request ends the fit between EM iterations.
        let stopping = FitContext(stopRequested: { true })
        XCTAssertThrowsError(try GaussianMixture(k: 3, initialization: .random).fit(x, rng: &rng, context: stopping)) {
            XCTAssertEqual($0 as? FitStopped, .interrupted)
        }
    }

    func testACovarianceWithoutACholeskyFactorIsAClusteringError() throws {
        // 20 copies of one row: with reg_covar 0 that component's covariance is zero.
        let x = Matrix(rowArrays: Array(repeating: [1.0, 2.0], count: 20) + (0 ..< 20).map { [10 + Double($0 % 4), Double($0 % 5)] })
        for cov in CovarianceType.allCases where cov != .tied {
            var rng = Xoshiro256StarStar(seed: 2)
            XCTAssertThrowsError(try GaussianMixture(k: 2, covariance: cov, regCovar: 0).fit(x, rng: &rng, context: .detached())) {
                XCTAssertTrue(($0 as? ClusteringError)?.description.contains("not positive definite even with reg_covar = 0") == true, "\($0)")
            }
            // With scikit-learn's default reg_covar the same data fit.
            XCTAssertNoThrow(try GaussianMixture(k: 2, covariance: cov).fit(x, rng: &rng, context: .detached()))
        }
        var rng = Xoshiro256StarStar(seed: 2)
        XCTAssertThrowsError(try GaussianMixture(k: 5).fit(Matrix(rowArrays: [[0], [1], [2]]), rng: &rng, context: .detached()))
        XCTAssertThrowsError(try GaussianMixture(k: 2).fit(Matrix(rowArrays: [[0], [.nan], [2]]), rng: &rng, context: .detached()))
    }

    /// The log-likelihood recomputed the plain way, for checking the kernel: each component's
    /// precision P = U Uᵀ rebuilt from the stored factor, the quadratic form (x − μ)ᵀ P (x − μ)
    /// summed entry by entry, log det P = 2 Σ log U_jj, a scalar log-sum-exp, the mean over rows.
    static func naiveMeanLogLikelihood(_ m: GaussianMixtureModel, _ x: Matrix) -> Double {
        let k = m.components, d = m.dims
        let precisions: [[Double]] = (0 ..< k).map { c in
            var u = [Double](repeating: 0, count: d * d)
            switch m.covariance {
            case .full: u = Array(m.precisionsCholesky[c * d * d ..< (c + 1) * d * d])
            case .tied: u = m.precisionsCholesky
            case .diag: for f in 0 ..< d { u[f * d + f] = m.precisionsCholesky[c * d + f] }
            case .spherical: for f in 0 ..< d { u[f * d + f] = m.precisionsCholesky[c] }
            }
            return (0 ..< d * d).map { e in (0 ..< d).reduce(0.0) { $0 + u[(e / d) * d + $1] * u[(e % d) * d + $1] } }
        }
        let logDets: [Double] = (0 ..< k).map { c in
            var u = [Double](repeating: 0, count: d)
            for f in 0 ..< d {
                switch m.covariance {
                case .full: u[f] = m.precisionsCholesky[c * d * d + f * d + f]
                case .tied: u[f] = m.precisionsCholesky[f * d + f]
                case .diag: u[f] = m.precisionsCholesky[c * d + f]
                case .spherical: u[f] = m.precisionsCholesky[c]
                }
            }
            return 2 * u.reduce(0.0) { $0 + log($1) }
        }
        var total = 0.0
        for i in 0 ..< x.rows {
            let lp: [Double] = (0 ..< k).map { c in
                var q = 0.0
                for a in 0 ..< d {
                    for b in 0 ..< d { q += (x[i, a] - m.means[c][a]) * precisions[c][a * d + b] * (x[i, b] - m.means[c][b]) }
                }
                return log(m.weights[c]) - 0.5 * (Double(d) * log(2 * Double.pi) + q) + 0.5 * logDets[c]
            }
            let top = lp.max()!
            total += top + log(lp.reduce(0.0) { $0 + exp($1 - top) })
        }
        return total / Double(x.rows)
    }

    /// The README's "How tests should compare" for GMM on all five reference sets, k 2..5 ×
    /// every covariance type (80 fits): mean log-likelihood ≥ scikit-learn's `score` − 1e-3
    /// with one initialisation (n_init = 1, as the reference); parameter count = `n_parameters`;
    /// BIC and AIC = scikit-learn's formulas applied to the fitted parameters, the
    /// log-likelihood recomputed independently of the kernel, to 1e-9 relative.
    ///
    /// Why more than one seed may be needed: the reference `score` is what one draw of NumPy's
    /// generator (random_state=0) led to, and EM from another K-Means start can settle in
    /// another local optimum. scikit-learn itself, refitted with random_state 0..99
    /// (`reference_restarts` in Fixtures/expected_gmm.json), reaches its own reference figure
    /// in as few as 4 % of single initialisations (wine, k = 4, full); seglab's rates over 100
    /// seeds track scikit-learn's (wine k=4 full 6 % vs 4 %, iris k=4 full 40 % vs 41 %, wine
    /// k=2 tied 39 % vs 37 %), and EM from the same start follows scikit-learn's path exactly
    /// (testEMMatchesScikitLearnFromTheSameStart). So, as a last resort, a case may use as many
    /// single-initialisation fits (independent seeds, best kept) as scikit-learn needs for a
    /// 99.99 % chance of its own figure, ⌈ln 10⁻⁴ / ln(1 − reach rate)⌉ — 1 where it always
    /// gets there; 99.99 % so that, over the ~20 cases that need restarts, an implementation
    /// exactly as good as scikit-learn fails with a chance of 0.2 % — and the first seed's
    /// optimum must be no worse than the poorest one
    /// scikit-learn's own single initialisations land in (`worst`).
    func testReferenceParity() throws {
        try SharedFixtures.require("reference/expected_iris.json")
        let restarts = try generatedFixture().json["reference_restarts"] as! [String: [String: Any]]
        var tally = QualityTally()
        for name in ["iris", "wine", "moons_1k", "blobs_2k", "customers_5k"] {
            let data = try Data(contentsOf: SharedFixtures.referenceDir.appendingPathComponent("\(name).csv"))
            XCTAssertEqual(Self.sha256(data), restarts[name]!["sha256"] as? String, "\(name).csv is not the file the fixture measured")
            let (x, _) = try SharedFixtures.referenceDataset(name)
            let runs = (try SharedFixtures.expected(name)["gmm"] as! [String: Any])["runs"] as! [[String: Any]]
            let measured = restarts[name]!["runs"] as! [[String: Any]]
            XCTAssertEqual(runs.count, 16)
            for run in runs {
                let k = run["k"] as! Int, cov = CovarianceType(rawValue: run["covariance_type"] as! String)!
                let sklearn = measured.first { $0["k"] as? Int == k && $0["covariance"] as? String == cov.rawValue }!
                try checkQuality(x, k: k, covariance: cov, reference: run["score"] as! Double,
                                 parameters: run["n_parameters"] as! Int, sklearn: sklearn, stream: name, tally: &tally)
            }
        }
        XCTAssertEqual(tally.cases, 80)
        print("GMM reference parity: \(tally.firstSeed) of \(tally.cases) cases within 1e-3 at the first seed; \(tally.fits) fits in all")
    }

    struct QualityTally { var cases = 0, firstSeed = 0, fits = 0 }

    /// One case of the rule above: fits with seeds 0, 1, … (at most as many as scikit-learn
    /// needs, from its `reach_rate`) until one is within 1e-3 of `reference`; every fit's
    /// parameter count, BIC and AIC checked; the first seed no worse than scikit-learn's `worst`.
    func checkQuality(_ x: Matrix, k: Int, covariance cov: CovarianceType, reference: Double, parameters: Int,
                      sklearn: [String: Any], stream: String, tally: inout QualityTally) throws {
        let label = "\(stream) k=\(k) \(cov)"
        let n = Double(x.rows), p = Double(parameters)
        let rate = sklearn["reach_rate"] as! Double
        let allowed = rate >= 1 ? 1 : Int((log(1e-4) / log(1 - rate)).rounded(.up))
        var best = -Double.infinity
        for seed in 0 ..< allowed {
            var rng = Xoshiro256StarStar(seed: UInt64(seed), stream: "\(stream).\(k).\(cov)")
            let fit = try GaussianMixture(k: k, covariance: cov).fit(x, rng: &rng, context: .detached())
            tally.fits += 1
            let score = fit.metrics["log_likelihood"]!
            XCTAssertEqual(fit.model.parameterCount, parameters, label)
            let naive = Self.naiveMeanLogLikelihood(fit.model, x)
            XCTAssertEqual(score, naive, accuracy: 1e-9 * abs(naive), label)
            let bic = -2 * naive * n + p * log(n), aic = -2 * naive * n + 2 * p
            XCTAssertEqual(fit.metrics["bic"]!, bic, accuracy: 1e-9 * abs(bic), label)
            XCTAssertEqual(fit.metrics["aic"]!, aic, accuracy: 1e-9 * abs(aic), label)
            if seed == 0 {
                XCTAssertGreaterThanOrEqual(score, sklearn["worst"] as! Double - 1e-3, "\(label): worse than any scikit-learn optimum")
                if score >= reference - 1e-3 { tally.firstSeed += 1 }
            }
            best = max(best, score)
            if best >= reference - 1e-3 { break }
        }
        tally.cases += 1
        XCTAssertGreaterThanOrEqual(best, reference - 1e-3, "\(label) after \(allowed) seeds (scikit-learn's rate \(rate))")
    }

    static func sha256(_ data: Data) -> String {
        var h = SHA256()
        h.update(data: data)
        return h.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// `Fixtures/expected_gmm.json` (made by `Fixtures/make_gmm_fixtures.py` with scikit-learn 1.9.1).
    private func generatedFixture() throws -> (x: Matrix, json: [String: Any]) {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/expected_gmm.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (Matrix(rowArrays: json["x"] as! [[Double]]), json)
    }

    /// From the same starting responsibilities, EM takes scikit-learn's path: the same number
    /// of iterations, the same convergence verdict, and the same lower bound, score, BIC, AIC,
    /// weights, means and precision factors, to rounding (the M-step sums are taken about the
    /// current means in one pass, where scikit-learn makes two; the last digits differ).
    func testEMMatchesScikitLearnFromTheSameStart() throws {
        let (x, json) = try generatedFixture()
        let blocks = RowBlocks(x)
        let cases = json["from_labels"] as! [[String: Any]]
        XCTAssertEqual(cases.count, 10)
        for e in cases {
            let k = e["k"] as! Int, maxIter = e["max_iter"] as! Int
            let cov = CovarianceType(rawValue: e["covariance"] as! String)!
            let label = "k=\(k) \(cov) max_iter=\(maxIter)"
            let gmm = GaussianMixture(k: k, covariance: cov, maxIter: maxIter)
            let start = try gmm.initialModel(blocks, responsibilities: .labels(e["labels"] as! [Int]))
            let run = try gmm.em(blocks, from: start, context: .detached())
            XCTAssertEqual(run.nIter, e["n_iter"] as! Int, label)
            XCTAssertEqual(run.converged, e["converged"] as! Bool, label)
            func close(_ a: Double, _ b: Double, _ rel: Double, _ what: String) {
                XCTAssertEqual(a, b, accuracy: rel * max(abs(b), 1), "\(label) \(what)")
            }
            close(run.lowerBound, e["lower_bound"] as! Double, 1e-10, "lower bound")
            let score = run.model.density.classify(blocks).logLikelihood / Double(x.rows)
            close(score, e["score"] as! Double, 1e-10, "score")
            XCTAssertEqual(run.model.parameterCount, e["n_parameters"] as! Int, label)
            for (a, b) in zip(run.model.weights, e["weights"] as! [Double]) { close(a, b, 1e-8, "weights") }
            for (a, b) in zip(run.model.means.flatMap { $0 }, (e["means"] as! [[Double]]).flatMap { $0 }) { close(a, b, 1e-8, "means") }
            let factors = e["precisions_cholesky"] as! [Double]
            XCTAssertEqual(run.model.precisionsCholesky.count, factors.count, label)
            for (a, b) in zip(run.model.precisionsCholesky, factors) { close(a, b, 1e-7, "precisions_cholesky") }
        }
    }

    /// On the generated data, each covariance type and k 2..5, seglab's fit as a user runs it
    /// (its own K-Means start) against scikit-learn's `GaussianMixture(k, random_state=0)`,
    /// by the rule of testReferenceParity (scikit-learn's own restarts are in the fixture too).
    func testQualityOnGeneratedData() throws {
        let (x, json) = try generatedFixture()
        var tally = QualityTally()
        for e in json["default_fits"] as! [[String: Any]] {
            try checkQuality(x, k: e["k"] as! Int, covariance: CovarianceType(rawValue: e["covariance"] as! String)!,
                             reference: e["score"] as! Double, parameters: e["n_parameters"] as! Int, sklearn: e,
                             stream: "generated", tally: &tally)
        }
        XCTAssertEqual(tally.cases, 16)
        print("GMM on generated data: \(tally.firstSeed) of \(tally.cases) cases within 1e-3 at the first seed; \(tally.fits) fits in all")
    }
}
