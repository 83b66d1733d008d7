import Foundation
import XCTest
import SeglabClustering
import SeglabLedger
import SeglabNumerics
@testable import SeglabRunner

/// Runs whose memory estimate does not fit are refused before they start, never killed by the
/// system: against the machine's memory before the grid, against the memory available now
/// before each run. A small machine is substituted for this one (`RunOptions.memory`).
final class MemoryGuardTests: XCTestCase {
    private func grid() throws -> PreparedExperiment {
        let text = #"""
            {"name": "mem", "seed": 3, "data": {"synthetic": {"customers": 300, "segments": 3, "seed": 2}},
             "algorithms": {"kmeans": {"k": [2, 3], "init": ["k-means++", "random"]}}}
            """#
        return try ExperimentPlanner.prepare(try ExperimentParser.parse(bytes: Array(text.utf8), file: "e.json", directory: "/"))
    }

    private func folder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seglab-memory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    private func run(_ prepared: PreparedExperiment, physical: UInt64, available: UInt64?) throws -> (GridSummary, Ledger) {
        let root = try folder()
        let ledger = try Ledger(path: root + "/ledger.sqlite")
        var options = RunOptions(resultsDirectory: root, jobs: 2)
        options.memory = MachineMemory(physical: { physical }, available: { available })
        return (try GridRunner(prepared: prepared, ledger: ledger, options: options).run(), ledger)
    }

    func testRunsLargerThanTheMachineAreRecordedFailedWithTheirEstimate() throws {
        let prepared = try grid()
        let estimate = KMeans.memoryEstimate(rows: 300, cols: prepared.featureSets[0].matrix.cols, parameters: prepared.runs[0].parameters)
        let (summary, ledger) = try run(prepared, physical: 10_240, available: nil)
        XCTAssertEqual(summary.failed, 4)
        XCTAssertEqual(summary.completed, 0)
        let details = try XCTUnwrap(ledger.run(id: prepared.runs[0].id))
        XCTAssertEqual(details.run.status, .failed)
        XCTAssertEqual(details.run.error, "refused before starting: kmeans on 300 × \(prepared.featureSets[0].matrix.cols) needs an "
                       + "estimated \(MemoryGuard.size(UInt64(estimate))) of memory, more than this machine's 10.0 KiB of memory")
        XCTAssertNotNil(details.run.datasetSHA256)
    }

    func testARunLargerThanTheMemoryAvailableNowIsRefusedWhenItsTurnComes() throws {
        let (summary, ledger) = try run(try grid(), physical: 1 << 40, available: 10_240)
        XCTAssertEqual(summary.failed, 4)
        XCTAssertEqual(try ledger.leaderboard(LeaderboardQuery()), [], "nothing ran")
        let reason = try XCTUnwrap(ledger.run(id: try grid().runs[1].id)?.run.error)
        XCTAssertTrue(reason.hasSuffix("more than the 10.0 KiB of memory available now"), reason)
    }

    func testRunsThatFitRunAndTheRefusalCarriesTheAlgorithmsAdvice() throws {
        let prepared = try grid()
        let (summary, _) = try run(prepared, physical: 1 << 40, available: 1 << 40)
        XCTAssertEqual(summary.completed, 4)
        var hungry = prepared.runs[0]
        hungry.algorithm = Hungry.self
        let guardian = MemoryGuard(memory: MachineMemory(physical: { 1 << 30 }, available: { 1 << 29 }))
        XCTAssertEqual(guardian.refusalBeforeGrid(hungry, on: prepared.featureSets[0]),
                       "refused before starting: hungry on 300 × \(prepared.featureSets[0].matrix.cols) needs an estimated 2.0 GiB "
                       + "of memory, more than this machine's 1.0 GiB of memory; use a smaller sample")
        XCTAssertNil(guardian.refusalBeforeGrid(prepared.runs[0], on: prepared.featureSets[0]))
        XCTAssertEqual(MemoryGuard.size(3 << 20), "3.0 MiB")
    }
}

/// An algorithm that needs 2 GiB whatever the data, and says what to do instead.
private struct Hungry: ClusteringAlgorithm {
    static let name = "hungry"
    static let summary = "needs more memory than the test machine has"
    static let parameters: [ParameterSpec] = []
    static func memoryEstimate(rows: Int, cols: Int, parameters: ResolvedParameters) -> Int { 2 << 30 }
    static var memoryAdvice: String? { "use a smaller sample" }
    init(parameters: ResolvedParameters) {}
    func fit(_ x: Matrix, rng: inout Xoshiro256StarStar, context: FitContext) throws -> ClusteringFit<KMeansModel> {
        throw ClusteringError("never fitted")
    }
}
