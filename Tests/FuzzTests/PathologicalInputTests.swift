import Foundation
import XCTest
import SeglabData
import SeglabRunner
import SeglabTestSupport

/// The inputs a mutation fuzzer is unlikely to build byte by byte (issue 12, item 6), each in
/// process and through `seglab validate`: 100,000 nested brackets, 20 MB lines, NUL bytes,
/// invalid UTF-8, numbers beyond Double's range. Each is one short message, exit 2.
final class PathologicalInputTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try CLIRunner.temporaryDirectory()
        let d = dir!
        addTeardownBlock { try? FileManager.default.removeItem(at: d) }
    }

    private func write(_ name: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: dir.appendingPathComponent(name)) }

    /// `validate e.json` exits 2 with one short line naming `place` and containing `text`.
    private func expectRejected(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        try requireBinary()
        let r = try CLIRunner.run(["validate", "e.json"], in: dir, timeout: 120)
        XCTAssertFalse(r.timedOut || r.signalled, "hang or crash: \(r.stderr.prefix(300))", file: file, line: line)
        XCTAssertEqual(r.status, 2, r.stderr.prefix(300) + "", file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n", omittingEmptySubsequences: false).count, 2, "one line: \(r.stderr.prefix(300))",
                       file: file, line: line)
        XCTAssertLessThan(r.stderr.utf8.count, 400, "short: \(r.stderr.prefix(400))…", file: file, line: line)
        for f in fragments { XCTAssertTrue(r.stderr.contains(f), "'\(f)' not in: \(r.stderr.prefix(400))", file: file, line: line) }
    }

    private func parse(_ bytes: [UInt8]) throws -> Experiment {
        try ExperimentParser.parse(bytes: bytes, file: "e.json", directory: dir.path)
    }

    private func expectExperimentError(_ bytes: [UInt8], _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(bytes), file: file, line: line) { e in
            guard let e = e as? ExperimentError else { return XCTFail("\(type(of: e)): \(e)", file: file, line: line) }
            XCTAssertTrue(e.description.contains(fragment), e.description, file: file, line: line)
            XCTAssertLessThan(e.description.utf8.count, 300, file: file, line: line)
        }
    }

    let experiment = #"{"name": "p", "seed": 1, "data": {"customers_csv": {"path": "c.csv", "id": "id"}}, "algorithms": {"kmeans": {"k": 2}}}"#

    // MARK: experiment files

    func testHundredThousandNestedBracketsHitTheDepthLimitNotTheStack() throws {
        for (open, close) in [("[", "]"), (#"{"a":"#, "}")] {
            let deep = Array((String(repeating: open, count: 100_000) + "1" + String(repeating: close, count: 100_000)).utf8)
            expectExperimentError(deep, "nesting is deeper than 512 levels")
            try write("e.json", deep)
            try expectRejected(["e.json", "line 1, column", "nesting is deeper than 512 levels"])
        }
        // Just inside the limit: parsed (and freed) without trouble, then refused by the schema.
        let nested = Array(("{\"name\": " + String(repeating: "[", count: 510) + String(repeating: "]", count: 510) + "}").utf8)
        expectExperimentError(nested, "at name: expected a string, found an array")
    }

    func testTwentyMegabyteLines() throws {
        let huge = String(repeating: "a", count: 20_000_000)
        expectExperimentError(Array(experiment.replacingOccurrences(of: #""p""#, with: "\"\(huge)\"").utf8),
                              "the name has 20000000 characters; at most 128 are allowed")
        try write("e.json", Array(experiment.replacingOccurrences(of: #""id": "id""#, with: "\"id\": \"id\", \"\(huge)\": 1").utf8))
        try expectRejected(["e.json", "at data.customers_csv.\(String(repeating: "a", count: 60))…: unknown key"])
        try write("e.json", Array(experiment.replacingOccurrences(of: #""seed": 1"#, with: #""seed": "# + String(repeating: "7", count: 20_000_000)).utf8))
        try expectRejected(["e.json", "line 1, column 23: number out of range"])
    }

    func testNULBytesAndInvalidUTF8InTheExperimentFile() throws {
        expectExperimentError(Array("{\"name\": \"a\u{0}b\"}".utf8), "line 1, column 12: control character in a string")
        expectExperimentError(Array("{\"name\": \"p\",\u{0} \"seed\": 1}".utf8), "line 1, column 14: unexpected NUL byte")
        let latin1 = Array(#"{"name": "caf"#.utf8) + [0xE9] + Array(#"", "seed": 1}"#.utf8)
        expectExperimentError(latin1, "line 1, column 14: the file is not UTF-8: invalid byte 0xE9 (Latin-1 or Windows-1252 text?)")
        try write("e.json", Array("{\n  \"name\": \"p\",\n".utf8) + [0xC0, 0x80] + Array("\n}".utf8))
        try expectRejected(["e.json", "line 3, column 1: the file is not UTF-8: invalid byte 0xC0"])
    }

    func testNumbersBeyondDoublesRangeInTheExperimentFile() throws {
        for (text, column) in [("1e400", 23), ("-1e400", 23), ("99999999999999999999999", 0)] {
            let bytes = Array(experiment.replacingOccurrences(of: #""seed": 1"#, with: #""seed": \#(text)"#).utf8)
            expectExperimentError(bytes, column > 0 ? "line 1, column \(column): number out of range" : "at seed: 1e+23 is out of range")
        }
        try write("e.json", Array(experiment.replacingOccurrences(of: #""k": 2"#, with: #""k": 2, "tol": 1e400"#).utf8))
        try expectRejected(["e.json", "number out of range"])
    }

    // MARK: CSV files

    func testTwentyMegabyteCellsAndLinesInACSV() throws {
        try write("e.json", Array(experiment.utf8))
        try write("c.csv", Array(("id,a\nc1,1\nc2," + String(repeating: "9", count: 20_000_000) + "\n").utf8))
        try expectRejected(["c.csv, row 3, column 'a': '" + String(repeating: "9", count: 60) + "…' is out of range"])
        try write("c.csv", Array(("id,a\nc1,\"" + String(repeating: "x", count: 20_000_000)).utf8))
        try expectRejected(["c.csv, row 2, column 'a': the quoted field is never closed"])
        try write("c.csv", Array((String(repeating: ",", count: 20_000_000) + "\n1\n").utf8))
        try expectRejected(["c.csv, row 1: the header has more than 100000 columns"])
        try write("c.csv", Array(("id,a\n" + String(repeating: "c,", count: 10_000_000) + "\n").utf8))
        try expectRejected(["c.csv, row 2: has more than 2 fields"])
    }

    func testNULBytesAndInvalidUTF8InACSV() throws {
        try write("e.json", Array(experiment.utf8))
        try write("c.csv", Array("id,a\nc1,1\nc2,2\n".utf8) + [0] + Array("\n".utf8))
        try expectRejected(["c.csv, row 4: is not UTF-8 text: it contains a NUL byte at offset 15"])
        try write("c.csv", Array("id,a\nc1,1\nc2,".utf8) + [0xFF] + Array("\n".utf8))
        try expectRejected(["c.csv, row 3, column 'a': is not UTF-8: the invalid UTF-8 byte 0xFF"])
    }

    func testNumbersBeyondDoublesRangeInACSV() throws {
        try write("e.json", Array(experiment.utf8))
        for cell in ["1e400", "-1e400", "1" + String(repeating: "0", count: 400)] {
            try write("c.csv", Array("id,a\nc1,1\nc2,\(cell)\nc3,3\n".utf8))
            try expectRejected(["c.csv, row 3, column 'a': '\(excerpt(cell))' is out of range (numbers must be within ±1.8e308)"])
        }
        // In range each, out of range once multiplied: the line value is checked too.
        try write("t.csv", Array("customer,date,quantity,price\nc1,2011-01-01,1e300,1e300\n".utf8))
        try write("e.json", Array(#"{"name": "p", "seed": 1, "data": {"transactions_csv": {"path": "t.csv", "customer": "customer", "date": "date", "quantity": "quantity", "unit_price": "price"}}, "algorithms": {"kmeans": {"k": 2}}}"#.utf8))
        try expectRejected(["t.csv, row 2, column 'price': the line value quantity × price is out of range"])
        // Finite cells whose standardisation overflows (a variance beyond 1.8e308).
        try write("c.csv", Array("id,a\nc1,1e300\nc2,-1e300\nc3,0\n".utf8))
        try write("e.json", Array(experiment.utf8))
        try expectRejected(["e.json", "feature_sets.all", "column 'a': the values are too large to scale standard"])
    }
}
