import Foundation
import GRDB
import XCTest
import SeglabTestSupport

/// Faults that reached users (issue 12), each reproduced and shown fixed.
final class FaultTests: CLITestCase {
    /// Runs of a second or more each in a debug build, so that signals arrive mid-fit.
    private func slowGrid() -> String {
        """
        {"name": "slow", "seed": 42,
         "data": {"synthetic": {"customers": 40000, "segments": 3, "seed": 5}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]}},
         "algorithms": {"kmeans": {"k": {"from": 2, "to": 9}, "init": ["random"], "n_init": 10}}}
        """
    }

    /// With `--jobs` ≥ cores every Dispatch worker is busy fitting; the signal used to wait for
    /// the grid's end (9–40 s). Now it takes effect at once, in-flight runs become `interrupted`.
    func testSIGTERMAndSIGINTTakeEffectWithinASecondWhateverJobs() throws {
        try write("e.json", slowGrid())
        let jobs = String(max(4, ProcessInfo.processInfo.activeProcessorCount * 2))
        for (signal, code) in [(SIGTERM, Int32(143)), (SIGINT, 130)] {
            let ledger = "l\(signal).sqlite"
            let p = try start(["run", "e.json", "--jobs", jobs, "--ledger", ledger, "--results", "r\(signal)"], stderr: "run.log")
            // Wait until runs are in flight (the progress line is printed once the grid starts).
            let deadline = Date() + 60
            while p.isRunning && Date() < deadline && !(contents("run.log")).contains("[0/") { usleep(10_000) }
            usleep(300_000)
            XCTAssertTrue(p.isRunning, "the grid ended before the signal: \(contents("run.log"))")
            let sent = Date()
            kill(p.processIdentifier, signal)
            p.waitUntilExit()
            let latency = Date().timeIntervalSince(sent)
            XCTAssertLessThan(latency, 1.0, "signal \(signal) took \(latency) s")
            print(String(format: "signal %d with --jobs %@: exit after %.3f s", signal, jobs, latency))
            XCTAssertEqual(p.terminationStatus, code, contents("run.log"))
            let statuses = try query(ledger, "SELECT status, count(*) AS n FROM runs GROUP BY status").map { ($0["status"] as String, $0["n"] as Int) }
            let byStatus = Dictionary(uniqueKeysWithValues: statuses)
            XCTAssertNil(byStatus["running"], "\(statuses)")
            XCTAssertGreaterThan(byStatus["interrupted"] ?? 0, 0, "\(statuses)")
            XCTAssertTrue(contents("run.log").contains("marked interrupted"))
        }
    }

    /// Two processes creating a new ledger at once: one used to fail with "not a seglab ledger" or
    /// "table experiments already exists" (3 of 19 trials).
    func testProcessesCreatingANewLedgerAtOnceAllSucceed() throws {
        try write("e.json", syntheticExperiment(customers: 100, k: "3"))
        for trial in 0 ..< 8 {
            let processes = try (0 ..< 3).map { i in
                try start(["run", "e.json", "--jobs", "1", "--ledger", "t\(trial)/ledger.sqlite", "--results", "t\(trial)"],
                          stderr: "t\(trial)-\(i).log")
            }
            for (i, p) in processes.enumerated() {
                p.waitUntilExit()
                XCTAssertEqual(p.terminationStatus, 0, "trial \(trial): " + (contents("t\(trial)-\(i).log")))
            }
            XCTAssertEqual(try query("t\(trial)/ledger.sqlite", "SELECT count(*) FROM runs WHERE status = 'completed'").first?[0] as Int?, 2)
        }
    }

    /// The ledger's disk fills (a 400 KiB tmpfs): the grid used to compute every remaining run,
    /// with a summary that contradicted its warnings and rows left `running`. Now it stops and
    /// says why, and the summary, the warnings and the ledger agree. With the artifacts on the
    /// same disk (the default `results/`), the files of the runs it could not record are removed,
    /// which leaves room to hand its runs back (`interrupted`): nothing stays `running`. With the
    /// ledger alone on the full disk that may be impossible: then the warning names the rows
    /// left `running`, and the next run takes them over.
    func testWhenTheLedgersDiskFillsTheGridStopsAndSaysWhy() throws {
        try write("e.json", syntheticExperiment(name: "small", customers: 300, k: #"{"from": 2, "to": 31}"#))
        for (layout, results) in [("shared", "disk-shared"), ("ledger alone", "elsewhere")] {
            let disk = try smallDisk(layout == "shared" ? "disk-shared" : "disk-ledger", kilobytes: 400)
            let ledger = disk.appendingPathComponent("ledger.sqlite").path
            let r = try seglab("run", "e.json", "--jobs", "2", "--ledger", ledger, "--results", results)
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("error: the grid stopped early: \(ledger): no space left on device"), r.stderr)
            XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr)
            let statuses = Dictionary(uniqueKeysWithValues: try query(ledger, "SELECT status, count(*) AS n FROM runs GROUP BY status")
                .map { ($0["status"] as String, $0["n"] as Int) })
            XCTAssertEqual(try query(ledger, "PRAGMA integrity_check").map { $0[0] as String }, ["ok"])
            // The summary's counts are the ledger's, and every unrecorded run has its warning.
            let summary = try XCTUnwrap(r.stderr.split(separator: "\n").first { $0.contains("60 runs;") }.map(String.init), r.stderr)
            XCTAssertTrue(summary.contains("\(statuses["completed"] ?? 0) completed, \(statuses["failed"] ?? 0) failed"), summary)
            let unrecorded = summary.range(of: #"\d+ not recorded"#, options: .regularExpression)
                .map { Int(summary[$0].prefix { $0.isNumber })! } ?? 0
            XCTAssertEqual(r.stderr.components(separatedBy: "its result could not be recorded").count - 1, unrecorded, r.stderr)
            XCTAssertLessThan((statuses["completed"] ?? 0) + (statuses["failed"] ?? 0), 60, "it stopped before the end")
            if layout == "shared" || !r.stderr.contains("stay `running`") {
                XCTAssertNil(statuses["running"], "\(layout): \(statuses)")
            } else {
                XCTAssertTrue(r.stderr.contains("\(statuses["running"] ?? 0) runs this process had started stay `running`"), r.stderr)
            }
            XCTAssertEqual(temporaryFiles(under: results), [])

            // With room again, the same command finishes the grid, each run once.
            XCTAssertEqual(try shell("/bin/mount", "-o", "remount,size=8m", disk.path), 0)
            let again = try seglab("run", "e.json", "--jobs", "2", "--ledger", ledger, "--results", results)
            XCTAssertEqual(again.status, 0, again.stderr)
            try assertWholeGrid(ledger, results: results, ids: try plannedIDs("e.json", ledger: ledger))
        }
    }

    /// The results folder's disk fills: a raw `NSCocoaErrorDomain` error and partial artifacts
    /// used to be left. Now the run is recorded `failed` saying what happened, no partial file
    /// stays, and the grid stops (every later run would fail the same way).
    func testWhenTheResultsDiskFillsTheRunFailsInWordsAndNoPartialFileStays() throws {
        let disk = try smallDisk("disk", kilobytes: 600)
        try write("e.json", syntheticExperiment(name: "mid", customers: 3000, k: #"{"from": 2, "to": 21}"#))
        let r = try seglab("run", "e.json", "--jobs", "2", "--results", disk.lastPathComponent)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr)
        XCTAssertTrue(r.stderr.contains("error: the grid stopped early: an artifact could not be written: no space left on device while writing "), r.stderr)
        let failed = try query("results/ledger.sqlite", "SELECT id, error FROM runs WHERE status = 'failed'")
        XCTAssertFalse(failed.isEmpty)
        for row in failed {
            let reason: String = row["error"]
            XCTAssertTrue(reason.hasPrefix("no space left on device while writing "), reason)
            let folder = disk.appendingPathComponent("mid/\(row["id"] as String)").path
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [], "files of failed run \(row["id"] as String)")
        }
        XCTAssertEqual(try query("results/ledger.sqlite", "SELECT count(*) FROM runs WHERE status = 'running'").first?[0] as Int?, 0)
        XCTAssertEqual(temporaryFiles(under: "disk"), [])
        XCTAssertEqual(try seglab("ledger", "check").status, 0, "every completed run's artifacts are whole")
    }

    /// A killed process may leave a temporary file (`.name.tmp-<pid>`) behind; the next run
    /// removes it, and leaves alone those of a process that is still writing.
    func testTheNextRunRemovesTheTemporaryFilesOfAKilledProcess() throws {
        try write("e.json", syntheticExperiment(customers: 100, k: "3"))
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let id = try plannedIDs("e.json")[0]
        try write("results/small/\(id)/.labels.csv.tmp-2147483646", "half a file")  // no such process
        try write("results/small/.data_report.json.tmp-2147483646", "half a file")
        try write("results/small/\(id)/.model.json.tmp-\(getpid())", "being written")  // a live process
        let r = try seglab("run", "e.json")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("removed 2 temporary files left by an interrupted run"), r.stderr)
        XCTAssertEqual(temporaryFiles(under: "results"), ["small/\(id)/.model.json.tmp-\(getpid())"])
    }

    /// A results folder that is a file, or that this user cannot write, is refused before the
    /// grid starts (exit 2), and the ledger is not even created.
    func testAnUnusableResultsFolderIsRefusedBeforeTheGridStarts() throws {
        try write("e.json", syntheticExperiment(customers: 100, k: "3"))
        try write("afile", "not a folder\n")
        let file = try seglab("run", "e.json", "--results", "afile")
        XCTAssertEqual(file.status, 2, file.stderr)
        XCTAssertTrue(file.stderr.contains("cannot write artifacts under --results afile: a file is in the way"), file.stderr)
        XCTAssertFalse(file.stderr.contains("NSCocoaErrorDomain"), file.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results").path))

        try FileManager.default.createDirectory(at: dir.appendingPathComponent("locked"), withIntermediateDirectories: true)
        chmod(dir.appendingPathComponent("locked").path, 0o555)
        let locked = try seglabAsNobody(["run", "e.json", "--results", "locked", "--ledger", "l.sqlite"])
        XCTAssertEqual(locked.status, 2, locked.stderr)
        XCTAssertTrue(locked.stderr.contains("permission denied while creating the folder"), locked.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("l.sqlite").path))
    }

    /// `leaderboard` on an empty file used to turn it into a ledger. A reading command never
    /// creates or changes a file.
    func testReadingCommandsLeaveAnEmptyFileAlone() throws {
        try write("empty.sqlite", "")
        for args in [["leaderboard"], ["show", "abc"], ["ledger", "check"], ["rerun", "abc", "--verify"]] {
            let r = try CLIRunner.run(args + ["--ledger", "empty.sqlite"], in: dir)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("empty.sqlite: not a seglab ledger (the file is empty)"), r.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["empty.sqlite"])
        XCTAssertEqual(contents("empty.sqlite"), "")
    }

    /// After a clean run, the data used to stay in `ledger.sqlite-wal`: a copy of `ledger.sqlite`
    /// alone had no tables. The WAL is now checkpointed when a command ends.
    func testTheLedgerFileAloneIsWholeAfterAnyWritingCommand() throws {
        try write("e.json", syntheticExperiment(customers: 100))
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let id = try plannedIDs("e.json")[0]
        XCTAssertEqual(try seglab("rerun", id).status, 0)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("copy"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: dir.appendingPathComponent("results/ledger.sqlite"),
                                         to: dir.appendingPathComponent("copy/ledger.sqlite"))
        let board = try seglab("leaderboard", "--ledger", "copy/ledger.sqlite", "--format", "csv")
        XCTAssertEqual(board.status, 0, board.stderr)
        XCTAssertEqual(board.stdout.split(separator: "\n").count, 7, board.stdout)
    }

    /// A ledger file with mode 444 could not even be read ("attempt to write a readonly
    /// database"). Reading commands now work on a read-only file, and in a read-only folder, as
    /// a user who may not write either.
    func testReadingCommandsWorkOnAReadOnlyLedgerAndFolder() throws {
        try write("e.json", syntheticExperiment(customers: 100, k: "3"))
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let id = try plannedIDs("e.json")[0]
        let results = dir.appendingPathComponent("results")
        chmod(results.appendingPathComponent("ledger.sqlite").path, 0o444)
        addTeardownBlock { chmod(results.path, 0o755) }
        for folderMode: mode_t in [0o777, 0o555] {
            chmod(results.path, folderMode)
            let before = try FileManager.default.contentsOfDirectory(atPath: results.path).sorted()
            for args in [["leaderboard"], ["show", id], ["plan", "e.json"], ["rerun", id, "--verify"], ["ledger", "check"]] {
                let r = try seglabAsNobody(args)
                XCTAssertEqual(r.status, 0, "\(args) in a \(String(folderMode, radix: 8)) folder: \(r.stderr)")
            }
            if folderMode == 0o555 {
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: results.path).sorted(), before)
            }
        }
        // Writing is refused with the reason, as an I/O failure (exit 1).
        let write = try seglabAsNobody(["run", "e.json", "--force", "--results", "elsewhere"])
        XCTAssertEqual(write.status, 1, write.stderr)
        XCTAssertTrue(write.stderr.contains("ledger.sqlite"), write.stderr)
    }

    /// `leaderboard` while `seglab run` writes to the same ledger.
    func testLeaderboardWorksWhileAGridWrites() throws {
        try write("e.json", syntheticExperiment(customers: 1000, k: #"{"from": 2, "to": 21}"#))
        let p = try start(["run", "e.json", "--jobs", "2"], stderr: "run.log")
        // From the moment the grid starts (the ledger exists and lists the runs).
        while p.isRunning && !contents("run.log").contains("[0/") { usleep(10_000) }
        var readsDuringTheGrid = 0
        while p.isRunning {
            let r = try seglab("leaderboard", "--format", "csv")
            if p.isRunning && r.status == 0 { readsDuringTheGrid += 1 }
            XCTAssertFalse(r.stderr.contains("locked"), r.stderr)
            // Before the first run completes there is nothing to rank yet.
            XCTAssertTrue(r.status == 0 || r.stderr.contains("recorded metric 'silhouette'") || r.stderr.contains("no completed run matches"),
                          r.stderr)
        }
        XCTAssertEqual(p.terminationStatus, 0, contents("run.log"))
        XCTAssertGreaterThan(readsDuringTheGrid, 0)
    }

    /// Every ledger that cannot be used says what it is and exits 2; an I/O failure exits 1.
    func testLedgerErrorsSayWhatTheFileIsAndExitWithTheRightCode() throws {
        try write("garbage.sqlite", String(repeating: "not sqlite\n", count: 100))
        try DatabaseQueue(path: dir.appendingPathComponent("other.sqlite").path).write { try $0.execute(sql: "CREATE TABLE notes (body TEXT)") }
        try write("e.json", syntheticExperiment(customers: 100, k: "3"))
        XCTAssertEqual(try seglab("run", "e.json", "--ledger", "newer.sqlite").status, 0)
        try DatabaseQueue(path: dir.appendingPathComponent("newer.sqlite").path).write {
            try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99')")
        }
        let cases: [(String, String)] = [
            ("garbage.sqlite", "not a seglab ledger (file is not a database)"),
            ("other.sqlite", "not a seglab ledger (an SQLite database of another application)"),
            ("newer.sqlite", "written by a newer seglab (unknown migrations: v99)"),
        ]
        for (file, message) in cases {
            for args in [["leaderboard"], ["run", "e.json"]] {
                let r = try CLIRunner.run(args + ["--ledger", file], in: dir)
                XCTAssertEqual(r.status, 2, "\(args) \(file): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("\(file): \(message)"), r.stderr)
            }
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("ro"), withIntermediateDirectories: true)
        chmod(dir.appendingPathComponent("ro").path, 0o555)
        let io = try seglabAsNobody(["run", "e.json", "--ledger", "ro/ledger.sqlite", "--results", "r"])
        XCTAssertEqual(io.status, 1, io.stderr)
        XCTAssertTrue(io.stderr.contains("ro/ledger.sqlite: cannot open the ledger"), io.stderr)
    }

    /// `--run-timeout`: a run past its limit is recorded `failed` with reason `timeout`, with the
    /// data and code it ran on, and the grid goes on.
    func testARunPastItsTimeoutFailsAndTheGridGoesOn() throws {
        try write("e.json", syntheticExperiment(customers: 300))
        let r = try seglab("run", "e.json", "--run-timeout", "0.000001")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("6 executed, 0 skipped (already completed), 0 completed, 6 failed"), r.stderr)
        for id in try plannedIDs("e.json") {
            let show = try json(try seglab("show", id, "--format", "json").stdout) as! [String: Any]
            XCTAssertEqual(show["status"] as? String, "failed")
            XCTAssertEqual(show["error"] as? String, "timeout: stopped after --run-timeout 1e-06 s")
            XCTAssertEqual((show["dataset_sha256"] as? String)?.count, 64, "a failed run records its data")
            XCTAssertEqual(show["code_version"] as? String, "seglab 0.1.0")
        }
        XCTAssertEqual(try seglab("run", "e.json", "--run-timeout", "600").status, 0)
        XCTAssertEqual(try seglab("run", "e.json", "--run-timeout", "0").status, 2)
    }

    /// After a grid is edited, the experiment ranks the runs its file now declares; the older
    /// runs stay in the ledger, unlisted.
    func testTheLeaderboardOfAnEditedExperimentRanksWhatItsFileDeclares() throws {
        try write("e.json", syntheticExperiment(customers: 300, k: #"{"from": 2, "to": 4}"#))
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let before = try plannedIDs("e.json")
        try write("e.json", syntheticExperiment(customers: 300, k: #"{"from": 3, "to": 5}"#))
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let after = try plannedIDs("e.json")
        let ranked = (try json(try seglab("leaderboard", "--experiment", "small", "--format", "json").stdout) as! [[String: Any]])
        XCTAssertEqual(Set(ranked.map { $0["run_id"] as! String }), Set(after))
        XCTAssertEqual(Set(ranked.map { ($0["params"] as! [String: Any])["k"] as! Int }), [3, 4, 5])
        let dropped = try XCTUnwrap(Set(before).subtracting(after).first)
        let show = try json(try seglab("show", dropped, "--format", "json").stdout) as! [String: Any]
        XCTAssertEqual(show["status"] as? String, "completed")
        XCTAssertEqual(show["experiments"] as? [String], [])
    }
}
