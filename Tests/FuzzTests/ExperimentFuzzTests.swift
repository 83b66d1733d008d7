import Foundation
import XCTest
import SeglabData
import SeglabRunner
import SeglabTestSupport

/// The experiment-file parser under seeded mutation (README "Fuzzing"): every input is either
/// accepted as a well-formed experiment or rejected with an `ExperimentError` naming the file
/// and the place; never a crash, a hang, another error type or a multi-line message.
final class ExperimentFuzzTests: XCTestCase {
    func testExperimentParserUnderMutation() throws {
        let session = try FuzzSession(kind: "experiment")
        var mutator = Mutator(seed: FuzzSettings.seed, stream: "fuzz.experiment",
                              corpus: FuzzCorpus.experiments, dictionary: FuzzCorpus.experimentDictionary)
        for index in 0 ..< FuzzSettings.cases {
            let input = mutator.next()
            _ = session.save(input, as: "current.json")  // left behind if the case crashes
            session.start(index)
            let what = "experiment case #\(index)"
            do {
                let e = try ExperimentParser.parse(bytes: input, file: "fuzz.json", directory: "/fuzz")
                checkAccepted(e, what)
                session.end(index, rejection: nil)
            } catch let e as ExperimentError {
                XCTAssertEqual(e.file, "fuzz.json", what)
                checkMessage(e.description, names: "fuzz.json", what)
                session.end(index, rejection: e.message)
            } catch {
                XCTFail("\(what): \(type(of: error)) instead of an ExperimentError: \(error)")
                session.end(index, rejection: "\(error)")
            }
            checkCanonicalRoundTrip(input, what)
        }
        session.finish()
        XCTAssertGreaterThan(session.accepted, 0, "no mutated file was valid: the fuzzer only tests the syntax checks")
    }

    /// What the parser promises of an accepted file.
    private func checkAccepted(_ e: Experiment, _ what: String) {
        XCTAssertTrue(!e.name.isEmpty && e.name.count <= ExperimentParser.maxNameLength, "\(what): name \(e.name.prefix(80))")
        XCTAssertTrue(e.name.unicodeScalars.allSatisfy { "abcdefghijklmnopqrstuvwxyz0123456789_-".unicodeScalars.contains($0) }, what)
        XCTAssertFalse(e.algorithms.isEmpty, what)
        XCTAssertFalse(e.featureSets.isEmpty, what)
        for set in e.featureSets {
            XCTAssertTrue(!set.name.isEmpty && set.name.unicodeScalars.allSatisfy {
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-".unicodeScalars.contains($0)
            }, "\(what): feature set name \(set.name.prefix(80))")
        }
        XCTAssertGreaterThanOrEqual(e.seed, 0, what)
        var runs = 0
        for grid in e.algorithms {
            var combos = 1
            for axis in grid.axes {
                XCTAssertFalse(axis.values.isEmpty, "\(what): empty axis \(axis.parameter)")
                combos *= axis.values.count
            }
            runs += combos
        }
        XCTAssertLessThanOrEqual(runs * e.featureSets.count * e.replicates, ExperimentParser.maxRuns, what)
    }

    /// Any document the JSON parser accepts has a canonical form that reads back to itself
    /// (the run key's preimage is a fixed point of parse-then-write).
    private func checkCanonicalRoundTrip(_ input: [UInt8], _ what: String) {
        guard let value = try? JSONParser.parse(input) else { return }
        let canonical = JSONWriter.canonical(value)
        let again = (try? JSONParser.parse(Array(canonical.utf8))).map(JSONWriter.canonical)
        XCTAssertTrue(again == canonical, "\(what): canonical form \(canonical.prefix(200)) reads back as \(again?.prefix(200) ?? "an error")")
    }

    /// Mutated experiments through `seglab validate` (which also loads the data and plans the
    /// grid): exit 0, or exit 2 with one line on stderr naming the file (the experiment's or
    /// the data file it names); never a signal, a hang or a stack trace.
    func testValidateCommandUnderMutation() throws {
        let dir = try CLIRunner.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try requireBinary()
        // The seeds' data files, valid, so that mutations of the experiment reach the planner.
        try Data(FuzzCorpus.customers[0]).write(to: dir.appendingPathComponent("c.csv"))
        try Data(FuzzCorpus.amountTransactions[0]).write(to: dir.appendingPathComponent("t.csv"))
        try Data(FuzzCorpus.retailTransactions[0]).write(to: dir.appendingPathComponent("r.csv"))
        var mutator = Mutator(seed: FuzzSettings.seed, stream: "fuzz.experiment.cli",
                              corpus: FuzzCorpus.experiments, dictionary: FuzzCorpus.experimentDictionary)
        let inputs = (0 ..< FuzzSettings.cliCases).map { _ in mutator.next() }
        // A rejection names the experiment file, or the data file (its absolute path) it points to.
        try runThroughBinary(inputs, kind: "experiment-cli", in: dir, fileName: "e.json", mustName: ["e.json", "error: /"])
    }
}
