import XCTest
import SeglabClustering
@testable import SeglabRunner

/// Axes of list-valued and nullable parameters (an autoencoder's `hidden`, BIRCH's `"k": null`).
final class GridAxisTests: XCTestCase {
    let hidden = ParameterSpec("hidden", .intList(min: 1, max: 4096, minCount: 1, maxCount: 8),
                               default: .value(.ints([64, 32])), help: "hidden layer widths")
    let k = ParameterSpec("k", .int(min: 2, max: 100), default: .value(.int(3)), nullable: true, help: "clusters, or null")

    func values(_ json: String, _ spec: ParameterSpec) throws -> [ParamValue] {
        try GridAxis.values(of: JSONNode(value: JSONParser.parse(Array(json.utf8)), path: "algorithms.x.\(spec.name)", file: "e.json"),
                            spec: spec)
    }

    func testAListOfIntegersIsOneValueAndAListOfListsIsAnAxis() throws {
        XCTAssertEqual(try values("[64, 32]", hidden), [.ints([64, 32])])
        XCTAssertEqual(try values("[[64, 32], [16], [64, 32]]", hidden), [.ints([64, 32]), .ints([16])])
        XCTAssertThrowsError(try values("[[64, 0]]", hidden)) { XCTAssertTrue("\($0)".contains("algorithms.x.hidden[0][1]"), "\($0)") }
        XCTAssertThrowsError(try values("[]", hidden)) { XCTAssertTrue("\($0)".contains("must list 1 to 8 integers"), "\($0)") }
        XCTAssertThrowsError(try values(#"{"from": 1, "to": 3}"#, hidden))
    }

    func testNullOnlyWhereDeclared() throws {
        XCTAssertEqual(try values("null", k), [.null])
        XCTAssertEqual(try values("[3, null, 5]", k), [.int(3), .null, .int(5)])
        let plain = ParameterSpec("k", .int(min: 2, max: 100), default: .required, help: "clusters")
        XCTAssertThrowsError(try values("null", plain)) { XCTAssertTrue("\($0)".contains("cannot be null"), "\($0)") }
        XCTAssertThrowsError(try values(#"{"from": null, "to": 3}"#, k)) { XCTAssertTrue("\($0)".contains("expected an integer"), "\($0)") }
    }

    func testCanonicalJSONOfListsAndNull() {
        XCTAssertEqual(JSONWriter.canonical(RunIdentity.paramsJSON(ResolvedParameters(["hidden": .ints([64, 32]), "k": .null]))),
                       #"{"hidden":[64,32],"k":null}"#)
    }
}

/// Real ranges are computed in decimal (README "Experiment files"): the same doubles, and so
/// the same run keys, as the values written in an array.
final class RealRangeTests: XCTestCase {
    let tol = ParameterSpec("tol", .real(min: 0, max: .infinity, minExclusive: false), default: .value(.real(1e-4)), help: "tolerance")

    func axis(_ json: String) throws -> [ParamValue] {
        try GridAxis.values(of: JSONNode(value: JSONParser.parse(Array(json.utf8)), path: "algorithms.kmeans.tol", file: "e.json"), spec: tol)
    }

    func testARangeGivesTheDoublesOfItsDecimalValues() throws {
        XCTAssertEqual(try axis(#"{"from": 0.1, "to": 0.3, "step": 0.1}"#), [.real(0.1), .real(0.2), .real(0.3)])
        XCTAssertNotEqual(0.1 + 2 * 0.1, 0.3, "what from + i·step in binary gives")
        for (range, array) in [
            (#"{"from": 0, "to": 1, "step": 0.1}"#, "[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]"),
            (#"{"from": 0.0001, "to": 0.0003, "step": 0.0001}"#, "[0.0001, 0.0002, 0.0003]"),
            (#"{"from": 1e-06, "to": 5e-06, "step": 2e-06}"#, "[1e-06, 3e-06, 5e-06]"),
            (#"{"from": 0.7, "to": 1.2, "step": 0.15}"#, "[0.7, 0.85, 1.0, 1.15]"),
            (#"{"from": 2.5, "to": 4}"#, "[2.5, 3.5]"),
            (#"{"from": 1e20, "to": 3e20, "step": 1e20}"#, "[1e20, 2e20, 3e20]"),
        ] {
            XCTAssertEqual(try axis(range), try axis(array), range)
        }
    }

    func testTheSameKeysAsTheArray() throws {
        func keys(_ tol: String) throws -> [String] {
            let text = #"{"name": "t", "seed": 1, "data": {"synthetic": {"customers": 200, "segments": 3, "seed": 2}}, "algorithms": {"kmeans": {"k": 3, "tol": \#(tol)}}}"#
            return try ExperimentPlanner.prepare(ExperimentParser.parse(bytes: Array(text.utf8), file: "e.json", directory: "/")).runs.map(\.key)
        }
        XCTAssertEqual(try keys(#"{"from": 0.1, "to": 0.3, "step": 0.1}"#), try keys("[0.1, 0.2, 0.3]"))
    }

    func testRangesThatCannotBeComputedExactlyAreRefused() {
        XCTAssertThrowsError(try axis(#"{"from": 1e-300, "to": 1e300, "step": 1e-300}"#)) {
            XCTAssertTrue("\($0)".contains("at algorithms.kmeans.tol: 'from', 'to' and 'step' together need more than 18 significant digits"), "\($0)")
        }
        XCTAssertThrowsError(try axis(#"{"from": 0, "to": 1, "step": 0.000001}"#)) {
            XCTAssertTrue("\($0)".contains("the range has too many values"), "\($0)")
        }
    }
}
