import Foundation
import XCTest
import SeglabTestSupport

/// SPEC §6: every bad input exits 2 with one message naming the file and the place, and
/// leaves the ledger exactly as it was.
final class BadInputTests: CLITestCase {
    let header = "id,recency,frequency,seg\n"

    func customersExperiment(_ csv: String = "c.csv", k: String = "2") -> String {
        #"{"name": "bad", "seed": 1, "data": {"customers_csv": {"path": "\#(csv)", "id": "id", "truth": "seg"}}, "algorithms": {"kmeans": {"k": \#(k)}}}"#
    }

    /// Runs `seglab run` on the current files against a ledger that already holds a good run,
    /// and checks the exit code, the message and that the ledger's bytes did not change.
    func expectBadInput(_ mustContain: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let ledger = dir.appendingPathComponent("ledger.sqlite")
        let before = try Data(contentsOf: ledger)
        let wal = try? Data(contentsOf: URL(fileURLWithPath: ledger.path + "-wal"))
        let r = try seglab("run", "e.json", "--ledger", "ledger.sqlite")
        XCTAssertEqual(r.status, 2, r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("error: "), r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one message: \(r.stderr)", file: file, line: line)
        for text in mustContain {
            XCTAssertTrue(r.stderr.contains(text), "'\(text)' not in: \(r.stderr)", file: file, line: line)
        }
        XCTAssertFalse(r.stderr.contains("Fatal error"), file: file, line: line)
        XCTAssertEqual(try Data(contentsOf: ledger), before, "the ledger changed", file: file, line: line)
        XCTAssertEqual(try? Data(contentsOf: URL(fileURLWithPath: ledger.path + "-wal")), wal, "the ledger's WAL changed", file: file, line: line)
        XCTAssertEqual(try seglab("validate", "e.json").status, 2, file: file, line: line)
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        try write("good.json", syntheticExperiment(k: "2"))
        XCTAssertEqual(try seglab("run", "good.json", "--ledger", "ledger.sqlite").status, 0)
        try write("c.csv", header + (0 ..< 20).map { "c\($0),\($0 % 7),\($0 % 3 + 1),\($0 % 2)" }.joined(separator: "\n") + "\n")
    }

    func testInvalidJSONNamesLineAndColumn() throws {
        try write("e.json", "{\n  \"name\": \"bad\",\n  \"seed\": 1,,\n}")
        try expectBadInput(["e.json", "line 3, column 13"])
    }

    func testUnknownKey() throws {
        try write("e.json", customersExperiment().replacingOccurrences(of: #""seed": 1"#, with: #""seed": 1, "sed": 2"#))
        try expectBadInput(["e.json", "sed", "unknown key"])
    }

    func testWrongType() throws {
        try write("e.json", customersExperiment().replacingOccurrences(of: #""seed": 1"#, with: #""seed": "one""#))
        try expectBadInput(["e.json", "at seed", "expected an integer"])
    }

    func testKBelowTwoAndAboveTheCustomers() throws {
        try write("e.json", customersExperiment(k: "1"))
        try expectBadInput(["algorithms.kmeans.k", "at least 2"])
        try write("e.json", customersExperiment(k: "[2, 21]"))
        try expectBadInput(["algorithms.kmeans.k", "above the number of customers after cleaning (20)"])
    }

    func testMissingFiles() throws {
        try write("e.json", customersExperiment("nope.csv"))
        try expectBadInput(["nope.csv"])
        let r = try seglab("run", "absent.json")
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("absent.json"), r.stderr)
    }

    func testEmptyCSV() throws {
        try write("c.csv", "")
        try write("e.json", customersExperiment())
        try expectBadInput(["c.csv", "empty"])
    }

    func testMissingIDColumn() throws {
        try write("e.json", customersExperiment().replacingOccurrences(of: #""id": "id""#, with: #""id": "customer""#))
        try expectBadInput(["c.csv", "customer"])
    }

    func testDuplicateIDs() throws {
        try write("c.csv", header + "a,1,2,0\nb,2,3,1\na,5,6,0\nc,1,1,1\n")
        try write("e.json", customersExperiment())
        try expectBadInput(["c.csv", "row 4", "a"])
    }

    func testNonNumericCell() throws {
        try write("c.csv", header + "a,1,2,0\nb,2,x3,1\nc,5,6,0\n")
        try write("e.json", customersExperiment())
        try expectBadInput(["c.csv", "row 3", "frequency"])
    }

    func testNaNAndInfinity() throws {
        for bad in ["NaN", "inf", "-Infinity", "nan"] {
            try write("c.csv", header + "a,1,2,0\nb,\(bad),3,1\nc,5,6,0\n")
            try write("e.json", customersExperiment())
            try expectBadInput(["c.csv", "row 3", "recency"])
        }
    }

    func testEmptyCellSuggestsCleanMissing() throws {
        try write("c.csv", header + "a,1,2,0\nb,,3,1\nc,5,6,0\n")
        try write("e.json", customersExperiment())
        try expectBadInput(["c.csv", "row 3", "recency", "clean.missing"])
    }
}
