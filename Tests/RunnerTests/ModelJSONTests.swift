import Foundation
import XCTest
import SeglabClustering
import SeglabNumerics
@testable import SeglabRunner

/// A fitted model written into `model.json` and read back the way `assign` reads it predicts
/// exactly what the fitted model does: every number survives as shortest round-trip text.
final class ModelJSONTests: XCTestCase {
    /// model → JSONEncoder → JSONValue → `model.json` text → parser → canonical text → JSONDecoder.
    func roundTrip<M: FittedClusterModel>(_ model: M) throws -> M {
        let text = JSONWriter.pretty(try ArtifactBuilder.encodeJSON(model))
        let parsed = try JSONParser.parse(Array(text.utf8))
        return try JSONDecoder().decode(M.self, from: Data(JSONWriter.canonical(parsed).utf8))
    }

    func data(_ n: Int) -> Matrix {
        var rng = Xoshiro256StarStar(seed: 3)
        return Matrix(rowArrays: (0 ..< n).map { i in
            let c = Double(i % 3) * 4
            return [c + rng.nextGaussian() * 1e-3, c * c / 7 + rng.nextGaussian(), rng.nextGaussian() * 1e5]
        })
    }

    func testGaussianMixturePredictsIdenticalLabelsAndProbabilities() throws {
        let x = data(5_000)
        for cov in CovarianceType.allCases {
            var rng = Xoshiro256StarStar(seed: 11, stream: "fit")
            let fit = try GaussianMixture(k: 3, covariance: cov).fit(x, rng: &rng, context: .detached())
            let decoded = try roundTrip(fit.model)
            XCTAssertEqual(decoded, fit.model, "\(cov)")
            let a = fit.model.predict(x), b = decoded.predict(x)
            XCTAssertEqual(b.labels, fit.labels, "\(cov)")
            XCTAssertEqual(a.scores.map(\.bitPattern), b.scores.map(\.bitPattern), "\(cov)")
        }
    }

    func testMiniBatchKMeansPredictsIdenticalLabelsAndDistances() throws {
        let x = data(5_000)
        var rng = Xoshiro256StarStar(seed: 11, stream: "fit")
        let fit = try MiniBatchKMeans(k: 3, batchSize: 128).fit(x, rng: &rng, context: .detached())
        let decoded = try roundTrip(fit.model)
        XCTAssertEqual(decoded, fit.model)
        XCTAssertEqual(decoded.predict(x).labels, fit.labels)
        XCTAssertEqual(decoded.predict(x).scores.map(\.bitPattern), fit.model.predict(x).scores.map(\.bitPattern))
    }
}
