import Foundation
import SeglabLedger
import XCTest

final class LeaderboardTests: XCTestCase {
    /// Five completed runs and one that is not: ids chosen so that id order differs from value order.
    private func seededLedger() throws -> Ledger {
        let ledger = try makeLedger(experiment: "one")
        try ledger.upsertExperiment(name: "two", specJSON: "{}", createdAt: "t0")
        try completeRuns(ledger, [
            (plannedRun("e00000000000", experiment: "one"), ["silhouette": 0.40, "davies_bouldin": 0.9, "min_cluster_share": 0.20, "n_clusters": 3]),
            (plannedRun("d00000000000", experiment: "one", algorithm: "gmm"), ["silhouette": 0.60, "davies_bouldin": 0.7, "min_cluster_share": 0.02, "n_clusters": 5]),
            (plannedRun("c00000000000", experiment: "one"), ["silhouette": 0.40, "davies_bouldin": 1.1, "min_cluster_share": 0.10]),
            (plannedRun("b00000000000", experiment: "one", algorithm: "dbscan"), ["silhouette": nil, "davies_bouldin": nil, "min_cluster_share": nil]),
            (plannedRun("a00000000000", experiment: "one", algorithm: "dbscan"), ["davies_bouldin": 0.5, "min_cluster_share": 0.30]),
        ])
        try ledger.linkRuns(experiment: "one", runIDs: ["e00000000000", "d00000000000", "c00000000000", "b00000000000", "a00000000000"])
        try ledger.linkRuns(experiment: "two", runIDs: ["c00000000000", "a00000000000"])
        try ledger.registerPending([plannedRun("f00000000000", experiment: "one")])  // pending: never ranked
        try ledger.linkRuns(experiment: "one", runIDs: ["f00000000000"])
        return ledger
    }

    func testHigherIsBetterWithTiesByIdAndNullsLast() throws {
        let rows = try seededLedger().leaderboard(LeaderboardQuery(metric: "silhouette", higherIsBetter: true))
        XCTAssertEqual(rows.map(\.runID), ["d00000000000", "c00000000000", "e00000000000", "a00000000000", "b00000000000"])
        XCTAssertEqual(rows.map(\.rank), [1, 2, 3, 4, 5])
        XCTAssertEqual(rows.map(\.value), [0.60, 0.40, 0.40, nil, nil])
    }

    func testLowerIsBetter() throws {
        let rows = try seededLedger().leaderboard(LeaderboardQuery(metric: "davies_bouldin", higherIsBetter: false))
        XCTAssertEqual(rows.map(\.runID), ["a00000000000", "d00000000000", "e00000000000", "c00000000000", "b00000000000"])
        XCTAssertEqual(rows.last?.value, nil)
    }

    func testMinClusterShareDropsSmallAndUnknownShares() throws {
        let rows = try seededLedger().leaderboard(LeaderboardQuery(minClusterShare: 0.10))
        XCTAssertEqual(rows.map(\.runID), ["c00000000000", "e00000000000", "a00000000000"])
        XCTAssertEqual(rows.map(\.minClusterShare), [0.10, 0.20, 0.30])
    }

    func testExperimentAlgorithmAndTopFilters() throws {
        let ledger = try seededLedger()
        XCTAssertEqual(try ledger.leaderboard(LeaderboardQuery(experiment: "two")).map(\.runID),
                       ["c00000000000", "a00000000000"])
        XCTAssertEqual(try ledger.leaderboard(LeaderboardQuery(experiment: "nope")), [])
        XCTAssertEqual(try ledger.leaderboard(LeaderboardQuery(algorithm: "dbscan")).map(\.runID),
                       ["a00000000000", "b00000000000"])
        XCTAssertEqual(try ledger.leaderboard(LeaderboardQuery(top: 2)).map(\.runID), ["d00000000000", "c00000000000"])
        XCTAssertEqual(try ledger.leaderboard(LeaderboardQuery(top: 0)), [])
        XCTAssertThrowsError(try ledger.leaderboard(LeaderboardQuery(top: -1)))
        XCTAssertThrowsError(try ledger.leaderboard(LeaderboardQuery(minClusterShare: .nan)))
    }

    func testRowsCarryTheRunAndItsKeyMetrics() throws {
        let ledger = try seededLedger()
        let row = try XCTUnwrap(ledger.leaderboard(LeaderboardQuery(metric: "davies_bouldin", higherIsBetter: false, algorithm: "gmm")).first)
        XCTAssertEqual(row, LeaderboardRow(
            rank: 1, runID: "d00000000000", experiment: "one", featureSet: "rfm", algorithm: "gmm",
            paramsJSON: #"{"k":3}"#, seed: 7, replicate: 0, value: 0.7, silhouette: 0.6, daviesBouldin: 0.7,
            calinskiHarabasz: nil, nClusters: 5, minClusterShare: 0.02, balanceEntropy: nil))
        let json = try JSONEncoder().encode(row)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: json) as? [String: Any])
        XCTAssertEqual(object["run_id"] as? String, "d00000000000")
        XCTAssertEqual(object["n_clusters"] as? Int, 5)
    }

    func testAMetricNoRunHasRanksEveryRunByIdOnly() throws {
        let rows = try seededLedger().leaderboard(LeaderboardQuery(metric: "ari"))
        XCTAssertEqual(rows.map(\.runID), ["a00000000000", "b00000000000", "c00000000000", "d00000000000", "e00000000000"])
        XCTAssertTrue(rows.allSatisfy { $0.value == nil })
    }
}
