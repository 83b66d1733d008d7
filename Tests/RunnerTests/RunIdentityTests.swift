import XCTest
import SeglabClustering
@testable import SeglabRunner

final class RunIdentityTests: XCTestCase {
    func experiment(_ algorithms: String, seed: Int = 1, replicates: Int = 1, name: String = "t") throws -> PreparedExperiment {
        let text = #"{"name": "\#(name)", "seed": \#(seed), "replicates": \#(replicates), "data": {"synthetic": {"customers": 300, "segments": 3, "seed": 2}}, "algorithms": \#(algorithms)}"#
        return try ExperimentPlanner.prepare(try ExperimentParser.parse(bytes: Array(text.utf8), file: "e.json", directory: "/"))
    }

    func testGridIsTheCartesianProductInDeclarationOrder() throws {
        let p = try experiment(#"{"kmeans": {"k": [2, 3], "init": ["k-means++", "random"]}}"#, replicates: 2)
        XCTAssertEqual(p.runs.count, 8)
        XCTAssertEqual(p.runs.map { $0.parameters.int("k") }, [2, 2, 2, 2, 3, 3, 3, 3])
        XCTAssertEqual(p.runs.map(\.replicate), [0, 1, 0, 1, 0, 1, 0, 1])
        XCTAssertEqual(p.runs[2].parameters.int("n_init"), 10, "random init gets n_init 10 (scikit-learn's auto)")
        XCTAssertEqual(p.runs[0].parameters.int("n_init"), 1)
        XCTAssertEqual(Set(p.runs.map(\.key)).count, 8)
    }

    func testKeyIgnoresTheExperimentNameAndNumberSpelling() throws {
        let a = try experiment(#"{"kmeans": {"k": 3, "tol": 0.001}}"#, name: "a")
        let b = try experiment(#"{"kmeans": {"k": [3], "tol": 1e-3, "init": "k-means++", "max_iter": 300}}"#, name: "b")
        XCTAssertEqual(a.runs.map(\.key), b.runs.map(\.key))
        XCTAssertEqual(a.runs[0].id, String(a.runs[0].key.prefix(12)))
        XCTAssertEqual(a.runs[0].id.count, 12)
    }

    func testKeyAndSeedChangeWithTheExperimentSeedAndReplicate() throws {
        let a = try experiment(#"{"kmeans": {"k": 3}}"#, seed: 1, replicates: 2)
        let b = try experiment(#"{"kmeans": {"k": 3}}"#, seed: 2)
        XCTAssertNotEqual(a.runs[0].key, b.runs[0].key)
        XCTAssertNotEqual(a.runs[0].key, a.runs[1].key)
        XCTAssertNotEqual(a.runs[0].seed, a.runs[1].seed)
        XCTAssertLessThan(a.runs[0].seed, 1 << 63)
        XCTAssertEqual(a.runs[0].seed, UInt64(a.runs[0].key.prefix(16), radix: 16)! >> 1)
    }

    func testKAboveTheCustomerCountIsFoundBeforeAnyRun() {
        XCTAssertThrowsError(try experiment(#"{"kmeans": {"k": [3, 301]}}"#)) { e in
            let e = e as! ExperimentError
            XCTAssertEqual(e.path, "algorithms.kmeans.k")
            XCTAssertTrue(e.message.contains("above the number of customers after cleaning (300)"), e.message)
        }
    }

    func testRecipeRebuildsTheSameRun() throws {
        let p = try experiment(#"{"kmeans": {"k": [2, 4], "init": "random"}}"#, replicates: 3)
        let run = p.runs[5]
        let recipe = try RunRecipe(json: RunRecipe(run: run, experiment: p.experiment).json)
        let again = try ExperimentPlanner.prepare(try ExperimentParser.parse(
            bytes: try recipe.experimentJSON(name: "t"), file: "ledger", directory: "/"))
        XCTAssertTrue(again.runs.contains { $0.key == run.key })
    }
}
