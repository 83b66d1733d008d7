import Foundation
import SeglabLedger
import XCTest

/// `--best-per`, and the listings behind `seglab experiments` and `seglab runs`.
final class LedgerListingTests: XCTestCase {
    /// Runs of experiment "grid" (b…g) and "other" (a); ids chosen so id order differs from value order.
    private func gridLedger() throws -> Ledger {
        let ledger = try makeLedger(experiment: "grid")
        try ledger.upsertExperiment(name: "other", specJSON: "{}", createdAt: "2026-02-01T00:00:00Z")
        try completeRuns(ledger, [
            (plannedRun("g00000000000", experiment: "grid", params: #"{"init":"a","k":3}"#), ["silhouette": 0.40, "min_cluster_share": 0.2]),
            (plannedRun("f00000000000", experiment: "grid", params: #"{"init":"b","k":3}"#), ["silhouette": 0.50, "min_cluster_share": 0.01]),
            (plannedRun("e00000000000", experiment: "grid", params: #"{"init":"a","k":4}"#), ["silhouette": nil, "min_cluster_share": 0.2]),
            (plannedRun("d00000000000", experiment: "grid", params: #"{"init":"b","k":4}"#), ["silhouette": 0.30, "min_cluster_share": 0.2]),
            (plannedRun("c00000000000", experiment: "grid", algorithm: "birch", params: #"{"k":null,"threshold":0.5}"#), ["silhouette": 0.20, "min_cluster_share": 0.2]),
            (plannedRun("b00000000000", experiment: "grid", algorithm: "dbscan", params: #"{"eps":0.5}"#), ["silhouette": 0.90, "min_cluster_share": 0.2]),
            (plannedRun("a00000000000", experiment: "other", params: #"{"init":"a","k":3}"#), ["silhouette": 0.70, "n_iter": 4]),
        ])
        try ledger.linkRuns(experiment: "grid", runIDs: ["g00000000000", "f00000000000", "e00000000000", "d00000000000",
                                                         "c00000000000", "b00000000000"])
        try ledger.linkRuns(experiment: "other", runIDs: ["a00000000000"])
        try ledger.registerPending([plannedRun("h00000000000", experiment: "grid", params: #"{"init":"a","k":5}"#)])
        try ledger.linkRuns(experiment: "grid", runIDs: ["h00000000000"])
        return ledger
    }

    func testBestPerParameterKeepsEachValuesBestRunAndLeavesOutRunsWithoutIt() throws {
        let ledger = try gridLedger()
        // k = 3: f beats g; k = 4: d beats e (NULL ranks last); k = null (birch) is a value of
        // its own; dbscan has no k; h is pending.
        XCTAssertEqual(try ledger.leaderboard(LeaderboardQuery(experiment: "grid", bestPer: "k")).map(\.runID),
                       ["f00000000000", "d00000000000", "c00000000000"])
        // The filters apply before the best is chosen: without f (share 0.01), g is k = 3's best.
        XCTAssertEqual(try ledger.leaderboard(LeaderboardQuery(experiment: "grid", minClusterShare: 0.1, bestPer: "k")).map(\.runID),
                       ["g00000000000", "d00000000000", "c00000000000"])
        XCTAssertEqual(try ledger.leaderboard(LeaderboardQuery(top: 1, bestPer: "k")).map(\.runID), ["a00000000000"])
        XCTAssertEqual(try ledger.leaderboard(LeaderboardQuery(experiment: "grid", bestPer: "init")).map(\.runID),
                       ["f00000000000", "g00000000000"])
        XCTAssertEqual(try ledger.leaderboard(LeaderboardQuery(higherIsBetter: false, experiment: "grid", bestPer: "init")).map(\.runID),
                       ["d00000000000", "g00000000000"], "lower is better: the lowest of each value")
    }

    func testBestPerAlgorithmAndFeatureSetUseTheirColumns() throws {
        let ledger = try gridLedger()
        XCTAssertEqual(try ledger.leaderboard(LeaderboardQuery(bestPer: "algorithm")).map(\.runID),
                       ["b00000000000", "a00000000000", "c00000000000"])
        XCTAssertEqual(try ledger.leaderboard(LeaderboardQuery(bestPer: "feature_set")).map(\.runID), ["b00000000000"])
        XCTAssertThrowsError(try ledger.leaderboard(LeaderboardQuery(bestPer: "k') OR 1=1 --")))
    }

    func testExperimentSummariesCountRunsByStatus() throws {
        let ledger = try gridLedger()
        try ledger.upsertExperiment(name: "empty", specJSON: "{}", createdAt: "2026-03-01T00:00:00Z")
        let summaries = try ledger.experimentSummaries()
        XCTAssertEqual(summaries.map(\.name), ["empty", "grid", "other"])
        XCTAssertEqual(summaries[0].runs, [:])
        XCTAssertEqual(summaries[1].runs, [.completed: 6, .pending: 1])
        XCTAssertEqual(summaries[1].totalRuns, 7)
        XCTAssertEqual(summaries[2].createdAt, "2026-02-01T00:00:00Z")
    }

    func testRunsFilterByExperimentStatusAndAlgorithm() throws {
        let ledger = try gridLedger()
        XCTAssertEqual(try ledger.runs(RunQuery()).count, 8)
        XCTAssertEqual(try ledger.runs(RunQuery(experiment: "other")).map(\.id), ["a00000000000"])
        XCTAssertEqual(try ledger.runs(RunQuery(experiment: "grid", status: .pending)).map(\.id), ["h00000000000"])
        XCTAssertEqual(try ledger.runs(RunQuery(algorithm: "birch")).map(\.id), ["c00000000000"])
        XCTAssertEqual(try ledger.runs(RunQuery(status: .failed)), [])
        XCTAssertEqual(try ledger.runs(RunQuery()).last?.id, "h00000000000", "a run never started comes last")
    }

    func testRecordedNames() throws {
        let names = try gridLedger().recordedNames()
        XCTAssertEqual(names.experiments, ["grid", "other"])
        XCTAssertEqual(names.algorithms, ["birch", "dbscan", "kmeans"])
        XCTAssertEqual(names.featureSets, ["rfm"])
        XCTAssertEqual(names.parameters, ["eps", "init", "k", "threshold"])
        XCTAssertEqual(names.metrics, ["min_cluster_share", "n_iter", "silhouette"])
    }
}
