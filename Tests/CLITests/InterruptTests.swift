import Foundation
import XCTest
import SeglabTestSupport

final class InterruptTests: CLITestCase {
    /// SIGINT in the middle of a grid: in-flight runs become `interrupted`, nothing stays
    /// `running`, and the next `run` finishes exactly the runs that were not completed.
    func testInterruptedGridResumes() throws {
        try write("e.json", syntheticExperiment(name: "big", customers: 1500, k: #"{"from": 2, "to": 6}"#))
        let p = Process()
        p.executableURL = CLIRunner.binary
        p.arguments = ["run", "e.json", "--jobs", "2"]
        p.currentDirectoryURL = dir
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        // Wait for the first run the ledger records as completed, then interrupt. (Its artifacts
        // reach the disk before the ledger commit: waiting for them alone raced the commit and
        // could interrupt before any run was recorded, on a loaded machine.)
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, p.isRunning {
            let completed = (try? query("results/ledger.sqlite", "SELECT id FROM runs WHERE status = 'completed'"))?.count ?? 0
            if completed > 0 { break }
            usleep(20_000)
        }
        guard p.isRunning else { throw XCTSkip("SKIPPED: the grid finished before it could be interrupted") }
        p.interrupt()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 130)

        let ids = (try json(try seglab("plan", "e.json", "--format", "json").stdout) as! [[String: Any]]).map { $0["id"] as! String }
        var statuses = [String: String]()
        for id in ids {
            let show = try json(try seglab("show", id, "--format", "json").stdout) as! [String: Any]
            statuses[id] = show["status"] as? String
        }
        XCTAssertFalse(statuses.values.contains("running"), "\(statuses)")
        let completed = statuses.values.filter { $0 == "completed" }.count
        XCTAssertGreaterThan(completed, 0)
        XCTAssertLessThan(completed, ids.count)

        let resumed = try seglab("run", "e.json")
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("\(ids.count - completed) executed, \(completed) skipped"), resumed.stderr)
        // One run finished before the interruption, one after it.
        for id in [ids.first { statuses[$0] == "completed" }!, ids.first { statuses[$0] != "completed" }!] {
            XCTAssertEqual(try seglab("rerun", id, "--verify").status, 0, "run \(id)")
        }
    }
}
