import Foundation
import XCTest
import SeglabTestSupport

/// Inputs that are not regular files, huge cells and over-long names (issue 12, item 7): each
/// was a hang, a raw Foundation error or 20 MB of stderr; each is now one clear message, exit 2.
extension BadInputTests {
    func testAFIFOAsTheDataFileIsRefusedWithoutBlocking() throws {
        let fifo = dir.appendingPathComponent("c.csv")
        try FileManager.default.removeItem(at: fifo)
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        try write("e.json", customersExperiment())
        try expectBadInput(["c.csv", "cannot read the file: it is a FIFO (named pipe), not a regular file"])
    }

    func testADirectoryAsTheDataFile() throws {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder.csv"), withIntermediateDirectories: false)
        try write("e.json", customersExperiment("folder.csv"))
        try expectBadInput(["folder.csv", "it is a directory, not a file"])
    }

    func testADirectoryOrASymlinkLoopAsTheExperimentPath() throws {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("e.json"), withIntermediateDirectories: false)
        try expectBadInput(["e.json: cannot read the experiment file: it is a directory, not a file"])
        try FileManager.default.removeItem(at: dir.appendingPathComponent("e.json"))
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("e.json").path, withDestinationPath: "loop.json")
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("loop.json").path, withDestinationPath: "e.json")
        try expectBadInput(["e.json: cannot read the experiment file: too many levels of symbolic links"])
        let fifo = dir.appendingPathComponent("fifo.json")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        let r = try seglab("validate", "fifo.json")
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("it is a FIFO (named pipe), not a regular file"), r.stderr)
    }

    /// A 20 MB cell is quoted by its first 60 characters, not echoed whole.
    func testAHugeCellIsQuotedByAShortPrefix() throws {
        let cell = "x" + String(repeating: "7", count: 20_000_000)
        try write("c.csv", header + "a,1,2,0\nb,2,\(cell),1\nc,5,6,0\n")
        try write("e.json", customersExperiment())
        try expectBadInput(["c.csv", "row 3", "frequency", "'x" + String(repeating: "7", count: 59) + "…' is not a number"])
        let r = try seglab("validate", "e.json")
        XCTAssertLessThan(r.stderr.utf8.count, 400, r.stderr.prefix(400) + "…")
    }

    /// A value holding a line break stays on the message's one line.
    func testALineBreakInAQuotedValueIsEscaped() throws {
        try write("c.csv", header + "a,1,2,0\nb,2,\"x\ny\",1\nc,5,6,0\n")
        try write("e.json", customersExperiment())
        try expectBadInput(["c.csv", "row 3", #"'x\ny' is not a number"#])
    }

    /// A 256-character name passed `validate` and failed in `run` (a folder name is at most
    /// 255 bytes): names are bounded to 128 characters by `validate`.
    func testAnExperimentNameLongerThan128CharactersIsRefusedByValidate() throws {
        let long = String(repeating: "a", count: 256)
        try write("e.json", syntheticExperiment(name: long, k: "2"))
        try expectBadInput(["e.json", "at name", "the name has 256 characters; at most 128 are allowed"])
        let longest = String(repeating: "b", count: 128)
        try write("e.json", syntheticExperiment(name: longest, k: "2"))
        let r = try seglab("run", "e.json", "--ledger", "ledger.sqlite")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results/\(longest)").path))
    }
}
