import Foundation
import XCTest
import SeglabTestSupport

/// Proves that a grid survives SIGKILL at any moment: `seglab run --jobs 2` is killed at seeded
/// random moments and restarted until the grid completes; then every run is completed exactly
/// once, nothing is left `running`, the file is sound, every artifact matches its hash, and the
/// ledger holds exactly what an uninterrupted run of the same grid holds.
///
/// CI: a 240-run grid, 20 kills. `SEGLAB_LONG_TESTS=1`: a 1,200-run grid, 200 kills (README,
/// "Killing and resuming", has the figures reached).
final class KillHarnessTests: CLITestCase {
    /// k 2…31 × both initialisations × `replicates`: 60 short runs per replicate.
    private func grid(replicates: Int) -> String {
        """
        {"name": "killed", "seed": 7, "replicates": \(replicates),
         "data": {"synthetic": {"customers": 200, "segments": 4, "seed": 3}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]}},
         "algorithms": {"kmeans": {"k": {"from": 2, "to": 31}, "init": ["k-means++", "random"]}}}
        """
    }

    func testSIGKILLAtRandomMomentsNeitherLosesNorRepeatsARun() throws {
        let (replicates, kills) = longTests ? (20, 200) : (4, 20)
        try write("e.json", grid(replicates: replicates))
        // The reference: the same grid, never interrupted; its durations scale the kill moments.
        let t0 = Date()
        let reference = try seglab("run", "e.json", "--jobs", "2", "--ledger", "ref/ledger.sqlite", "--results", "ref")
        XCTAssertEqual(reference.status, 0, reference.stderr)
        let duration = Date().timeIntervalSince(t0)
        let t1 = Date()
        XCTAssertEqual(try seglab("run", "e.json", "--ledger", "ref/ledger.sqlite", "--results", "ref").status, 0)
        let startup = Date().timeIntervalSince(t1)
        let ids = try plannedIDs("e.json", ledger: "ref/ledger.sqlite")
        let expected = try ledgerContent("ref/ledger.sqlite", results: "ref")

        var rng = SplitMix64(seed: 20_261_201)
        var killed = 0, starts = 0, episodes = 0
        // An episode runs one fresh ledger to completion; should a grid ever complete before the
        // kills are all spent, the next episode spends the rest.
        while killed < kills {
            episodes += 1
            let folder = "killed\(episodes)"
            let args = ["run", "e.json", "--jobs", "2", "--ledger", "\(folder)/ledger.sqlite", "--results", folder]
            while true {
                starts += 1
                let p = try start(args, stderr: "restart.log")
                if killed < kills {
                    // Somewhere in the start-up (creation, migration, registration) or within the
                    // first quarter of the work left: late kills land near the grid's end.
                    let left = 1 - Double(finishedRuns(in: "\(folder)/killed")) / Double(ids.count)
                    let deadline = Date() + rng.unit() * startup + rng.unit() * max(left, 0) * duration / 4
                    while p.isRunning && Date() < deadline { usleep(1000) }
                    if p.isRunning {
                        kill(p.processIdentifier, SIGKILL)
                        p.waitUntilExit()
                        killed += 1
                        let log = try read("restart.log")
                        XCTAssertFalse(log.contains("error:") || log.contains("locked"), log)
                        continue
                    }
                }
                p.waitUntilExit()
                let log = try read("restart.log")
                XCTAssertEqual(p.terminationStatus, 0, log)
                XCTAssertNotNil(executedCount(log), log)
                break
            }
            try assertWholeGrid("\(folder)/ledger.sqlite", results: folder, ids: ids)
            XCTAssertEqual(try ledgerContent("\(folder)/ledger.sqlite", results: folder), expected, "episode \(episodes)")
            let check = try seglab("ledger", "check", "--ledger", "\(folder)/ledger.sqlite")
            XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        }
        print("kill harness: \(killed) SIGKILLs over \(starts) starts in \(episodes) episode(s); grid of \(ids.count) runs, "
              + String(format: "%.1f s uninterrupted", duration))
    }

    /// Run folders holding a `run.json`: roughly the runs done so far (read from the files, so the
    /// harness never opens the ledger of a process it killed).
    private func finishedRuns(in folder: String) -> Int {
        let root = dir.appendingPathComponent(folder)
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return runs.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/run.json").path) }.count
    }
}
