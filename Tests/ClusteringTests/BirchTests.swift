import XCTest
@testable import SeglabClustering
import SeglabNumerics
import SeglabTestSupport

final class BirchTests: XCTestCase {
    private func fit(_ x: Matrix, k: Int?, threshold: Double, branching: Int = 50,
                     context: FitContext = .detached()) throws -> ClusteringFit<CentroidModel> {
        var rng = Xoshiro256StarStar(seed: 0)
        return try Birch(k: k, threshold: threshold, branchingFactor: branching).fit(x, rng: &rng, context: context)
    }

    func testParameters() throws {
        XCTAssertEqual(Birch.resolve([:]).values, ["k": .int(3), "threshold": .real(0.5), "branching_factor": .int(50)])
        XCTAssertNil(try Birch(parameters: Birch.resolve(["k": .null])).k)
        XCTAssertTrue(AlgorithmRegistry.named("birch") == Birch.self)
        XCTAssertTrue(Birch.parameters.first { $0.name == "k" }!.nullable)
    }

    /// The 20 BIRCH fixtures of the shared reference (threshold 0.5 and 1.0, k 3 and 5): the
    /// same number of subclusters and the same partition; moons_1k at threshold 1.0 has 3
    /// subclusters for k = 5, where scikit-learn keeps the subclusters (and warns): a note.
    func testReferenceSubclustersAndLabels() throws {
        try SharedFixtures.require("reference/expected_iris.json")
        var checked = 0
        for name in ["iris", "wine", "moons_1k", "blobs_2k", "customers_5k"] {
            let (x, _) = try SharedFixtures.referenceDataset(name)
            for run in (try SharedFixtures.expected(name)["birch"] as! [String: Any])["runs"] as! [[String: Any]] {
                let file = run["file"] as! String, k = run["k"] as! Int
                let result = try fit(x, k: k, threshold: run["threshold"] as! Double)
                XCTAssertEqual(result.metrics["n_subclusters"], Double(run["n_subclusters"] as! Int), file)
                XCTAssertTrue(ClusteringFixtures.samePartition(result.labels, try SharedFixtures.referenceLabels(file)), file)
                XCTAssertEqual(result.notes.isEmpty, (run["warnings"] as! [String]).isEmpty, file)
                checked += 1
            }
        }
        XCTAssertEqual(checked, 20)
    }

    /// The fixtures made here, with small branching factors (deep trees, inner nodes split)
    /// and without a global step. With `k` null the labels are the subcluster indices in
    /// leaf order: equal to scikit-learn's exactly, which checks the order of the leaves.
    func testOwnFixturesWithAndWithoutK() throws {
        let x = try ClusteringFixtures.anisotropicBlobs()
        for run in try ClusteringFixtures.expected()["birch"] as! [[String: Any]] {
            let file = run["file"] as! String, k = run["k"] as? Int
            let expected = try ClusteringFixtures.labels(ClusteringFixtures.dir.appendingPathComponent(file)).labels
            let result = try fit(x, k: k, threshold: run["threshold"] as! Double, branching: run["branching_factor"] as! Int)
            XCTAssertEqual(result.metrics["n_subclusters"], Double(run["n_subclusters"] as! Int), file)
            if k == nil {
                XCTAssertEqual(result.labels, expected, file)
            } else {
                XCTAssertTrue(ClusteringFixtures.samePartition(result.labels, expected), file)
            }
        }
    }

    /// The model's predict (nearest subcluster centroid) gives the fit's own rows their labels,
    /// and one CF-tree serves every k of a threshold: cached fits equal fresh ones.
    func testPredictReproducesLabelsAndTheCacheChangesNothing() throws {
        let (x, _) = try SharedFixtures.referenceDataset("customers_5k")
        let shared = FitContext.detached()
        for threshold in [0.5, 1.0] {
            for k in [nil, 2, 3, 4, 5] as [Int?] {
                let cached = try fit(x, k: k, threshold: threshold, context: shared)
                let fresh = try fit(x, k: k, threshold: threshold)
                XCTAssertEqual(cached.labels, fresh.labels)
                XCTAssertEqual(cached.model, fresh.model)
                let prediction = cached.model.predict(x)
                XCTAssertEqual(prediction.labels, cached.labels)
                XCTAssertEqual(prediction.scoreKind, .distance)
            }
        }
        let model = try fit(x, k: 3, threshold: 0.5).model
        XCTAssertEqual(try JSONDecoder().decode(CentroidModel.self, from: JSONEncoder().encode(model)), model)
    }

    func testFewerSubclustersThanKKeepsTheSubclustersWithANote() throws {
        let x = Matrix(rowArrays: [[0, 0], [0.1, 0], [5, 5], [5.1, 5]])
        let result = try fit(x, k: 3, threshold: 0.5)
        XCTAssertEqual(result.labels, [0, 0, 1, 1])
        XCTAssertEqual(result.metrics["n_subclusters"], 2)
        XCTAssertEqual(result.notes.count, 1)
        XCTAssertTrue(result.notes[0].contains("2 subclusters, fewer than k = 3"), result.notes[0])
    }
}
