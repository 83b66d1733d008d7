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
