import Foundation
import XCTest
import SeglabTestSupport

/// Base for end-to-end tests: each test gets a fresh folder and runs the real binary in it.
class CLITestCase: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try CLIRunner.temporaryDirectory()
        let d = dir!
        addTeardownBlock { try? FileManager.default.removeItem(at: d) }
        guard FileManager.default.isExecutableFile(atPath: CLIRunner.binary.path) else {
            throw XCTSkip("SKIPPED: the seglab binary is not built at \(CLIRunner.binary.path) (run `swift build` first)")
        }
    }

    @discardableResult
    func seglab(_ args: String...) throws -> CLIRunner.Result { try CLIRunner.run(args, in: dir) }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: dir.appendingPathComponent(name))
    }

    func read(_ name: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> Any {
        do { return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) } catch {
            XCTFail("not valid JSON: \(text.prefix(300))", file: file, line: line)
            throw error
        }
    }

    /// A small synthetic experiment, quick even in a debug build.
    func syntheticExperiment(name: String = "small", customers: Int = 600, k: String = #"{"from": 2, "to": 4}"#) -> String {
        """
        {"name": "\(name)", "seed": 42,
         "data": {"synthetic": {"customers": \(customers), "segments": 3, "seed": 5}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]}},
         "algorithms": {"kmeans": {"k": \(k), "init": ["k-means++", "random"]}}}
        """
    }
}
