import Foundation
import XCTest
@testable import SeglabClustering
import SeglabNumerics
import SeglabTestSupport

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

    /// The README's "How tests should compare" for GMM, on all five reference sets, k 2..5 ×
    /// every covariance type, each with one initialisation (n_init = 1, as the reference):
    /// mean log-likelihood ≥ scikit-learn's `score` − 1e-3; parameter count = `n_parameters`;
    /// BIC and AIC = scikit-learn's formulas applied to the fitted parameters (log-likelihood
    /// recomputed independently of the kernel) to 1e-9 relative.
    func testReferenceParity() throws {
        try SharedFixtures.require("reference/expected_iris.json")
        for name in ["iris", "wine", "moons_1k", "blobs_2k", "customers_5k"] {
            let (x, _) = try SharedFixtures.referenceDataset(name)
            let runs = (try SharedFixtures.expected(name)["gmm"] as! [String: Any])["runs"] as! [[String: Any]]
            XCTAssertEqual(runs.count, 16)
            for run in runs {
                let k = run["k"] as! Int, cov = CovarianceType(rawValue: run["covariance_type"] as! String)!
                let label = "\(name) k=\(k) \(cov)"
                var rng = Xoshiro256StarStar(seed: 2024, stream: "\(name).\(k).\(cov)")
                let fit = try GaussianMixture(k: k, covariance: cov).fit(x, rng: &rng, context: .detached())
                let score = fit.metrics["log_likelihood"]!
                XCTAssertGreaterThanOrEqual(score, run["score"] as! Double - 1e-3, label)
                XCTAssertEqual(fit.model.parameterCount, run["n_parameters"] as! Int, label)
                let n = Double(x.rows), p = Double(run["n_parameters"] as! Int)
                let naive = Self.naiveMeanLogLikelihood(fit.model, x)
                XCTAssertEqual(score, naive, accuracy: 1e-9 * abs(naive), label)
                let bic = -2 * naive * n + p * log(n), aic = -2 * naive * n + 2 * p
                XCTAssertEqual(fit.metrics["bic"]!, bic, accuracy: 1e-9 * abs(bic), label)
                XCTAssertEqual(fit.metrics["aic"]!, aic, accuracy: 1e-9 * abs(aic), label)
                XCTAssertEqual(fit.metrics["converged"], 1, label)
            }
        }
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
    /// (its own K-Means start) against scikit-learn's `GaussianMixture(k, random_state=0)`:
    /// the README's rules (score − 1e-3, parameter count, BIC/AIC formulas).
    func testQualityOnGeneratedData() throws {
        let (x, json) = try generatedFixture()
        for e in json["default_fits"] as! [[String: Any]] {
            let k = e["k"] as! Int, cov = CovarianceType(rawValue: e["covariance"] as! String)!
            var rng = Xoshiro256StarStar(seed: 7, stream: "generated.\(k).\(cov)")
            let fit = try GaussianMixture(k: k, covariance: cov).fit(x, rng: &rng, context: .detached())
            let score = fit.metrics["log_likelihood"]!, n = Double(x.rows), p = Double(e["n_parameters"] as! Int)
            XCTAssertGreaterThanOrEqual(score, e["score"] as! Double - 1e-3, "k=\(k) \(cov)")
            XCTAssertEqual(fit.model.parameterCount, e["n_parameters"] as! Int)
            XCTAssertEqual(fit.metrics["bic"]!, -2 * score * n + p * log(n), accuracy: 1e-9 * abs(fit.metrics["bic"]!))
            XCTAssertEqual(fit.metrics["aic"]!, -2 * score * n + 2 * p, accuracy: 1e-9 * abs(fit.metrics["aic"]!))
        }
    }
}
