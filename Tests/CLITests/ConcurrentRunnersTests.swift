import Foundation
import XCTest
import SeglabTestSupport

/// Runners that share a ledger share the work: started at once on a fresh ledger (so they also
/// create it at once), two and then three `seglab run` processes execute every run of a 200-run
/// grid exactly once between them, as their closing summaries ("N executed") and the ledger's
/// `run_events` both say, and leave the ledger an uninterrupted single runner would.
///
/// `SEGLAB_LONG_TESTS=1` adds rounds of 2, 3 and 4 runners on a 1,000-run grid.
final class ConcurrentRunnersTests: CLITestCase {
    private func grid(name: String, replicates: Int) -> String {
        """
        {"name": "\(name)", "seed": 11, "replicates": \(replicates),
         "data": {"synthetic": {"customers": 200, "segments": 4, "seed": 3}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]}},
         "algorithms": {"kmeans": {"k": {"from": 2, "to": 26}, "init": ["k-means++", "random"]}}}
        """
    }

    func testTwoAndThreeRunnersRunEveryRunOnce() throws {
        let replicates = longTests ? 20 : 4
        let rounds = longTests ? [2, 3, 2, 3, 4, 4] : [2, 3]
        try write("e.json", grid(name: "shared", replicates: replicates))
        // The same runs declared by another experiment: a third runner may run a different file.
        try write("other.json", grid(name: "other", replicates: replicates))
        XCTAssertEqual(try seglab("run", "e.json", "--jobs", "2", "--ledger", "ref/ledger.sqlite", "--results", "ref").status, 0)
        let ids = try plannedIDs("e.json", ledger: "ref/ledger.sqlite")
        XCTAssertEqual(ids.count, 50 * replicates)
        let expected = try ledgerContent("ref/ledger.sqlite", results: "ref")

        for (round, runners) in rounds.enumerated() {
            let folder = "round\(round)"
            // Every third runner runs the other file.
            let files = (0 ..< runners).map { $0 % 3 == 2 ? "other.json" : "e.json" }
            let processes = try files.enumerated().map { i, file in
                try start(["run", file, "--jobs", "2", "--ledger", "\(folder)/ledger.sqlite", "--results", folder],
                          stderr: "\(folder)-\(i).log")
            }
            var executed = 0
            for (i, p) in processes.enumerated() {
                p.waitUntilExit()
                let log = try read("\(folder)-\(i).log")
                XCTAssertEqual(p.terminationStatus, 0, log)
                XCTAssertFalse(log.contains("locked") || log.contains("error:"), log)
                executed += try XCTUnwrap(executedCount(log), log)
            }
            XCTAssertEqual(executed, ids.count, "round \(round): \(runners) runners executed \(executed) runs between them")
            try assertWholeGrid("\(folder)/ledger.sqlite", results: folder, ids: ids)
            let claims = try query("\(folder)/ledger.sqlite", "SELECT count(*) FROM run_events WHERE event IN ('claimed', 'reclaimed')")
            XCTAssertEqual(claims.first?[0] as Int?, ids.count, "every run claimed once")
            if !files.contains("other.json") {
                XCTAssertEqual(try ledgerContent("\(folder)/ledger.sqlite", results: folder), expected, "round \(round)")
            } else {
                for experiment in ["shared", "other"] {
                    let listed = try query("\(folder)/ledger.sqlite", "SELECT count(*) FROM experiment_runs WHERE experiment = '\(experiment)'")
                    XCTAssertEqual(listed.first?[0] as Int?, ids.count, experiment)
                }
            }
            print("concurrent runners, round \(round): \(runners) runners, \(ids.count) runs, each executed once")
        }
    }
}
