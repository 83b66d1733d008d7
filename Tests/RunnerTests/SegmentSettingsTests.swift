import XCTest
@testable import SeglabRunner

/// The optional `segments` block: parsed strictly, in the run key only when given, carried by
/// the recipe so `rerun` rebuilds the same run.
final class SegmentSettingsTests: XCTestCase {
    func prepare(segments: String?) throws -> PreparedExperiment {
        let block = segments.map { #", "segments": \#($0)"# } ?? ""
        let text = #"{"name": "t", "seed": 1, "data": {"synthetic": {"customers": 200, "segments": 3, "seed": 2}}, "algorithms": {"kmeans": {"k": 3}}\#(block)}"#
        return try ExperimentPlanner.prepare(try ExperimentParser.parse(bytes: Array(text.utf8), file: "e.json", directory: "/"))
    }

    func testTheBlockEntersTheKeyOnlyWhenGiven() throws {
        let plain = try prepare(segments: nil)
        XCTAssertNil(plain.runs[0].config["segments"])
        // The key of a file without the block is the one it always had (the preimage has no "segments").
        XCTAssertEqual(plain.runs[0].key, RunIdentity.key(of: plain.runs[0].config))
        let rules = #"{"actions": [{"when": ["lapsed", "high value"], "action": "call them"}, {"when": [], "action": "say hello"}]}"#
        let custom = try prepare(segments: rules)
        XCTAssertNotEqual(custom.runs[0].key, plain.runs[0].key)
        XCTAssertEqual(custom.runs[0].actions, [ActionRule(when: ["lapsed", "high value"], action: "call them"),
                                                ActionRule(when: [], action: "say hello")])
        XCTAssertEqual(JSONWriter.canonical(custom.runs[0].config["segments"]!),
                       #"{"actions":[{"action":"call them","when":["lapsed","high value"]},{"action":"say hello","when":[]}]}"#)
        XCTAssertEqual(try prepare(segments: #"{"actions": []}"#).runs[0].config["segments"].map(JSONWriter.canonical), #"{"actions":[]}"#)

        // The recipe carries the block: the rebuilt run has the same key and rules.
        let run = custom.runs[0]
        let recipe = try RunRecipe(json: RunRecipe(run: run, experiment: custom.experiment).json)
        let again = try ExperimentPlanner.prepare(try ExperimentParser.parse(bytes: try recipe.experimentJSON(name: "t"), file: "ledger", directory: "/"))
        XCTAssertEqual(again.runs.first { $0.key == run.key }?.actions, run.actions)
    }

    func testBadRulesNameTheirPlace() {
        func expectError(_ block: String, path: String, _ text: String, line: UInt = #line) {
            XCTAssertThrowsError(try prepare(segments: block), line: line) { e in
                guard let e = e as? ExperimentError else { return XCTFail("\(e)", line: line) }
                XCTAssertEqual(e.path, path, line: line)
                XCTAssertTrue(e.description.contains(text), e.description, line: line)
            }
        }
        expectError(#"{"actions": [{"when": ["lapse"], "action": "x"}]}"#, path: "segments.actions[0].when[0]", "'lapse' is not a segment trait")
        expectError(#"{"actions": [{"when": ["lapsed"]}]}"#, path: "segments.actions[0]", "missing required key 'action'")
        expectError(#"{"actions": [{"when": ["lapsed"], "action": ""}]}"#, path: "segments.actions[0].action", "must not be empty")
        expectError(#"{"rules": []}"#, path: "segments.rules", "unknown key 'rules'")
        expectError(#"{"actions": [{"when": "lapsed", "action": "x"}]}"#, path: "segments.actions[0].when", "expected an array")
    }
}
