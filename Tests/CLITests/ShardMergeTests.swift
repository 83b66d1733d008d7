import Crypto
import Foundation
import GRDB
import XCTest
import SeglabTestSupport

/// `run --shard I/N` and `merge`, end to end through the binary: shards split a grid without
/// overlap, their merged ledger equals a single machine's, a merge is idempotent, refuses
/// disagreeing artifacts without touching the target, and a shard killed with SIGKILL resumes
/// and merges cleanly.
final class ShardMergeTests: CLITestCase {
    private func grid(name: String = "sharded", k: Int = 9, replicates: Int = 1) -> String {
        """
        {"name": "\(name)", "seed": 42, "replicates": \(replicates),
         "data": {"synthetic": {"customers": 500, "segments": 3, "seed": 5}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]}},
         "algorithms": {"kmeans": {"k": {"from": 2, "to": \(k)}, "init": ["k-means++", "random"], "n_init": [1, 3]}}}
        """
    }

    private func sha256(_ relative: String) throws -> String {
        SHA256.hash(data: try Data(contentsOf: dir.appendingPathComponent(relative))).map { String(format: "%02x", $0) }.joined()
    }

    /// Runs `seglab` with extra environment variables.
    private func seglab(_ arguments: [String], environment: [String: String]) throws -> CLIRunner.Result {
        let saved = environment.keys.map { ($0, ProcessInfo.processInfo.environment[$0]) }
        for (name, value) in environment { setenv(name, value, 1) }
        defer { for (name, value) in saved { if let value { setenv(name, value, 1) } else { unsetenv(name) } } }
        return try CLIRunner.run(arguments, in: dir)
    }

    func testFourShardsMergeIntoTheSingleMachineLedgerAndAgainChangeNothing() throws {
        try write("e.json", grid())
        XCTAssertEqual(try seglab("run", "e.json", "--ledger", "ref/ledger.sqlite", "--results", "ref").status, 0)
        let ids = try plannedIDs("e.json")
        XCTAssertEqual(ids.count, 32)

        // Each shard in its own default folder; the plan says which runs each one runs.
        let plan = try json(try seglab("plan", "e.json", "--shards", "4", "--format", "json").stdout) as! [[String: Any]]
        var shardOf: [String: Int] = [:]
        for run in plan { shardOf[run["id"] as! String] = run["shard"] as? Int }
        for i in 0 ..< 4 {
            let shard = try seglab("run", "e.json", "--shard", "\(i)/4", "--jobs", "2")
            XCTAssertEqual(shard.status, 0, shard.stderr)
            let ran = try query("results/shards/sharded/\(i)-of-4/ledger.sqlite", "SELECT id FROM runs ORDER BY id").map { $0[0] as String }
            XCTAssertEqual(ran, shardOf.filter { $0.value == i }.map(\.key).sorted(), "shard \(i) runs what plan says")
            XCTAssertFalse(ran.isEmpty, "32 runs over 4 shards: every shard has some")
        }
        XCTAssertEqual(Set(shardOf.keys), Set(ids))

        let shards = (0 ..< 4).map { "results/shards/sharded/\($0)-of-4/ledger.sqlite" }
        let merge = try CLIRunner.run(["merge"] + shards + ["--into", "merged/ledger.sqlite"], in: dir)
        XCTAssertEqual(merge.status, 0, merge.stderr)
        XCTAssertTrue(merge.stdout.contains("experiments: sharded (new)"), merge.stdout)
        XCTAssertTrue(merge.stdout.contains("artifact files: \(32 * 4 + 2) copied"), merge.stdout)
        try assertWholeGrid("merged/ledger.sqlite", results: "merged", ids: ids)
        XCTAssertEqual(try ledgerContent("merged/ledger.sqlite", results: "merged"), try ledgerContent("ref/ledger.sqlite", results: "ref"))
        let check = try seglab("ledger", "check", "--ledger", "merged/ledger.sqlite")
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)

        // Again, in another order: nothing to do, and the file's bytes stay as they are.
        let before = try sha256("merged/ledger.sqlite")
        let again = try CLIRunner.run(["merge"] + shards.reversed() + ["--into", "merged/ledger.sqlite"], in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("0 runs merged"), again.stdout)
        XCTAssertTrue(again.stdout.contains("skipped: already completed in the target"), again.stdout)
        XCTAssertEqual(try sha256("merged/ledger.sqlite"), before)

        // Linked instead of copied, into the same folder layout: the same ledger content.
        let linked = try CLIRunner.run(["merge"] + shards + ["--into", "linked/ledger.sqlite", "--artifacts", "link"], in: dir)
        XCTAssertEqual(linked.status, 0, linked.stderr)
        XCTAssertEqual(try ledgerContent("linked/ledger.sqlite", results: "linked"), try ledgerContent("ref/ledger.sqlite", results: "ref"))
        let path = try query("linked/ledger.sqlite", "SELECT path FROM artifacts LIMIT 1")[0][0] as String
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: path)[.referenceCount] as! Int, 1, "a hard link")
    }

    func testDisagreeingArtifactsRefuseTheMergeNamingTheRunAndLeaveTheTargetsBytes() throws {
        try write("e.json", grid(k: 4))
        XCTAssertEqual(try seglab("run", "e.json", "--shard", "0/2").status, 0)
        let shard = "results/shards/sharded/0-of-2/ledger.sqlite"
        XCTAssertEqual(try seglab("merge", shard, "--into", "merged/ledger.sqlite").status, 0)
        // Another machine's copy of the shard whose run computed other labels (another build, say).
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("other"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: dir.appendingPathComponent(shard), to: dir.appendingPathComponent("other/ledger.sqlite"))
        let run = try query("other/ledger.sqlite", "SELECT id FROM runs ORDER BY id LIMIT 1")[0][0] as String
        try DatabaseQueue(path: dir.appendingPathComponent("other/ledger.sqlite").path).write { db in
            try db.execute(sql: "UPDATE artifacts SET sha256 = ? WHERE run_id = ? AND name = 'labels.csv'",
                           arguments: [String(repeating: "e", count: 64), run])
        }

        let before = try sha256("merged/ledger.sqlite")
        let refused = try seglab("merge", "other/ledger.sqlite", "--into", "merged/ledger.sqlite")
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("run \(run)"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("labels.csv: "), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("eeeeeeeeeeee… in other/ledger.sqlite"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("nothing written"), refused.stderr)
        XCTAssertEqual(try sha256("merged/ledger.sqlite"), before)

        // Two sources that disagree: refused before the target is even created.
        let both = try seglab("merge", shard, "other/ledger.sqlite", "--into", "fresh/ledger.sqlite")
        XCTAssertEqual(both.status, 1, both.stderr)
        XCTAssertTrue(both.stderr.contains("run \(run)"), both.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("fresh").path))
    }

    func testAShardKilledWithSIGKILLResumesAndMergesCleanly() throws {
        try write("e.json", grid(k: 12, replicates: 2))
        XCTAssertEqual(try seglab("run", "e.json", "--jobs", "2", "--ledger", "ref/ledger.sqlite", "--results", "ref").status, 0)
        let ids = try plannedIDs("e.json")
        XCTAssertEqual(try seglab("run", "e.json", "--shard", "0/2").status, 0)

        // Shard 1 is killed once some of its runs are done, and merged as it is: its `running`
        // rows come in `interrupted`, never completed.
        let args = ["run", "e.json", "--shard", "1/2", "--jobs", "2"]
        let folder = "results/shards/sharded/1-of-2"
        let p = try start(args, stderr: "killed.log")
        let deadline = Date() + 120
        while p.isRunning && Date() < deadline && finishedRuns(in: folder + "/sharded") < 3 { usleep(2000) }
        XCTAssertTrue(p.isRunning, "the shard finished before it could be killed: " + contents("killed.log"))
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let shards = ["results/shards/sharded/0-of-2/ledger.sqlite", folder + "/ledger.sqlite"]
        let partial = try CLIRunner.run(["merge"] + shards + ["--into", "merged/ledger.sqlite"], in: dir)
        XCTAssertEqual(partial.status, 0, partial.stderr)
        XCTAssertTrue(partial.stderr.contains("not completed"), partial.stderr)
        let states = try query("merged/ledger.sqlite", "SELECT status, count(*) FROM runs GROUP BY status").map { ($0[0] as String, $0[1] as Int) }
        XCTAssertFalse(states.contains { $0.0 == "running" }, "\(states)")
        XCTAssertLessThan(states.first { $0.0 == "completed" }?.1 ?? 0, ids.count, "\(states)")

        // Resubmitted (the same command), it finishes its runs; merged again, the runs cut short
        // are replaced by their completed copies and the ledger is the single machine's.
        let resumed = try seglab(args, environment: [:])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let merged = try CLIRunner.run(["merge"] + shards + ["--into", "merged/ledger.sqlite"], in: dir)
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertFalse(merged.stderr.contains("not completed"), merged.stderr)
        XCTAssertEqual(try ledgerContent("merged/ledger.sqlite", results: "merged"), try ledgerContent("ref/ledger.sqlite", results: "ref"))
        let completions = try query("merged/ledger.sqlite", "SELECT count(*) FROM run_events WHERE event = 'completed'")[0][0] as Int
        XCTAssertEqual(completions, ids.count, "one completed event per run")
        XCTAssertEqual(try seglab("ledger", "check", "--ledger", "merged/ledger.sqlite").status, 0)
    }

    func testTheShardComesFromTheSchedulersEnvironment() throws {
        try write("e.json", grid(k: 5))
        let slurm = try seglab(["run", "e.json", "--shard", "auto"],
                               environment: ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3"])
        XCTAssertEqual(slurm.status, 0, slurm.stderr)
        XCTAssertTrue(slurm.stderr.contains("shard 2/3: "), slurm.stderr)
        let kubernetes = try seglab(["run", "e.json", "--shard-count", "3", "--ledger", "k/ledger.sqlite", "--results", "k"],
                                    environment: ["JOB_COMPLETION_INDEX": "2"])
        XCTAssertEqual(kubernetes.status, 0, kubernetes.stderr)
        XCTAssertEqual(try query("k/ledger.sqlite", "SELECT id FROM runs ORDER BY id").map { $0[0] as String },
                       try query("results/shards/sharded/2-of-3/ledger.sqlite", "SELECT id FROM runs ORDER BY id").map { $0[0] as String })

        for (arguments, message) in [(["--shard", "3/3"], "shard 3 of 3 does not exist"), (["--shard", "1-3"], "--shard takes I/N"),
                                     (["--shard", "auto"], "SLURM_ARRAY_TASK_ID")] {
            let bad = try seglab(["run", "e.json"] + arguments, environment: [:])
            XCTAssertEqual(bad.status, 2, bad.stderr)
            XCTAssertTrue(bad.stderr.contains(message), bad.stderr)
        }
    }

    /// Run folders holding a `run.json`.
    private func finishedRuns(in folder: String) -> Int {
        let root = dir.appendingPathComponent(folder)
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return runs.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/run.json").path) }.count
    }
}
