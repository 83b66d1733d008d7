import Foundation
import GRDB
import XCTest
import SeglabTestSupport

final class LedgerCheckTests: CLITestCase {
    func testCheckFindsWhatIsWrongAndRepairRepairsWhatIsSafe() throws {
        try write("e.json", syntheticExperiment(customers: 200, k: #"{"from": 3, "to": 4}"#))
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let clean = try seglab("ledger", "check")
        XCTAssertEqual(clean.status, 0, clean.stdout + clean.stderr)
        XCTAssertEqual(clean.stdout, "")
        XCTAssertTrue(clean.stderr.contains("no problem found"), clean.stderr)

        let ids = try plannedIDs("e.json")
        let folder = "results/small"
        // A missing artifact, an altered one, an orphan file and folder, a temporary file of a
        // dead process, and a run stuck `running` for a process that is gone.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("\(folder)/\(ids[0])/profile.csv"))
        try write("\(folder)/\(ids[1])/labels.csv", try read("\(folder)/\(ids[1])/labels.csv") + "x,0\n")
        try write("\(folder)/\(ids[0])/notes.txt", "mine\n")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("\(folder)/0123456789ab"), withIntermediateDirectories: true)
        try write("\(folder)/\(ids[0])/.labels.csv.tmp-2147483646", "partial")
        try DatabaseQueue(path: dir.appendingPathComponent("results/ledger.sqlite").path).write { db in
            try db.execute(sql: """
                UPDATE runs SET status = 'running', owner_host = ?, owner_pid = 2147483646, owner_start = NULL,
                    heartbeat_at = '2026-01-01T00:00:00.000Z' WHERE id = ?
                """, arguments: [hostName(), ids[2]])
        }
        let check = try seglab("ledger", "check")
        XCTAssertEqual(check.status, 1, check.stderr)
        let lines = check.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 6, check.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("stuck run: run \(ids[2]) is `running` but pid 2147483646 on ") && $0.hasSuffix(" is gone") }, check.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("missing artifact: ") && $0.contains("\(ids[0])/profile.csv") && $0.contains("seglab rerun \(ids[0])") }, check.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("altered artifact: ") && $0.contains("\(ids[1])/labels.csv") }, check.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("orphan file: ") && $0.contains("\(ids[0])/notes.txt") }, check.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("orphan file: ") && $0.contains("0123456789ab/ is not the folder of any run") }, check.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("temporary file: ") && $0.hasSuffix(".labels.csv.tmp-2147483646") }, check.stdout)

        let repair = try seglab("ledger", "check", "--repair")
        XCTAssertEqual(repair.status, 1, "missing, altered and orphan files are left to the user")
        XCTAssertTrue(repair.stdout.contains("requeued (interrupted)"), repair.stdout)
        XCTAssertTrue(repair.stdout.contains(".labels.csv.tmp-2147483646 — removed"), repair.stdout)
        XCTAssertEqual(temporaryFiles(under: "results"), [])
        let show = try json(try seglab("show", ids[2], "--format", "json").stdout) as! [String: Any]
        XCTAssertEqual(show["status"] as? String, "interrupted")

        // What the user does about the rest, as the findings say.
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        XCTAssertEqual(try seglab("rerun", ids[0]).status, 0)
        XCTAssertEqual(try seglab("rerun", ids[1]).status, 0)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("\(folder)/\(ids[0])/notes.txt"))
        try FileManager.default.removeItem(at: dir.appendingPathComponent("\(folder)/0123456789ab"))
        let after = try seglab("ledger", "check")
        XCTAssertEqual(after.status, 0, after.stdout + after.stderr)
    }

    /// A forced id collision: a different key already holds a planned run's 12-digit id. The run
    /// gets a 13-digit id, and the other key's row and files are never touched.
    func testAForcedIdCollisionGivesTheNewRunALongerIdAndTouchesNothingElse() throws {
        try write("e.json", syntheticExperiment(customers: 200, k: "3"))
        try write("seed.json", syntheticExperiment(name: "seed", customers: 100, k: "2"))
        XCTAssertEqual(try seglab("run", "seed.json").status, 0)  // creates the ledger
        let plan = try json(try seglab("plan", "e.json", "--format", "json").stdout) as! [[String: Any]]
        let (shortID, key) = (plan[0]["id"] as! String, plan[0]["key"] as! String)
        let squatterKey = String(key.prefix(12)) + String(repeating: key.last == "0" ? "1" : "0", count: 52)
        let ledgerPath = dir.appendingPathComponent("results/ledger.sqlite").path
        try DatabaseQueue(path: ledgerPath).write { db in
            try db.execute(sql: """
                INSERT INTO runs (id, key, experiment, feature_set, algorithm, params_json, seed, replicate, status, config_json)
                VALUES (?, ?, 'seed', 'elsewhere', 'kmeans', '{"k":9}', 1, 0, 'failed', '{}')
                """, arguments: [shortID, squatterKey])
        }
        let squatter = try query(ledgerPath, "SELECT * FROM runs WHERE id = '\(shortID)'")

        let run = try seglab("run", "e.json")
        XCTAssertEqual(run.status, 0, run.stderr)
        let longID = String(key.prefix(13))
        XCTAssertTrue(run.stderr.contains("run \(longID): a different run already has id \(shortID)"), run.stderr)
        XCTAssertEqual(try query(ledgerPath, "SELECT * FROM runs WHERE id = '\(shortID)'"), squatter, "the other key's row is untouched")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results/small/\(shortID)").path))
        XCTAssertEqual(try plannedIDs("e.json").first, longID, "plan shows the ledger's id")
        let show = try json(try seglab("show", longID, "--format", "json").stdout) as! [String: Any]
        XCTAssertEqual(show["key"] as? String, key)
        XCTAssertEqual(show["status"] as? String, "completed")
        XCTAssertTrue(try read("results/small/\(longID)/run.json").contains("\"id\": \"\(longID)\""))
        XCTAssertEqual(try seglab("rerun", longID, "--verify").status, 0)
        let exact = try json(try seglab("show", shortID, "--format", "json").stdout) as! [String: Any]
        XCTAssertEqual(exact["key"] as? String, squatterKey, "an id that prefixes a longer one names itself")
        // Running again keeps the id first recorded.
        let again = try seglab("run", "e.json")
        XCTAssertTrue(again.stderr.contains("no run executed"), again.stderr)
        XCTAssertEqual(try plannedIDs("e.json").first, longID)
    }

    private func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, 255)
        return String(cString: buffer)
    }
}
