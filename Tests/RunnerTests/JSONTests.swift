import XCTest
@testable import SeglabRunner

final class JSONTests: XCTestCase {
    func parse(_ s: String) throws -> JSONValue { try JSONParser.parse(Array(s.utf8)) }

    func testParsesValuesKeepingKeyOrderAndNumberKinds() throws {
        let v = try parse(#"{"b": 1, "a": [1.0, -2e3, "x\u00e9\n", true, null], "c": {}}"#)
        guard case .object(let m) = v else { return XCTFail("not an object") }
        XCTAssertEqual(m.map(\.key), ["b", "a", "c"])
        XCTAssertEqual(v["b"], .int(1))
        XCTAssertEqual(v["a"], .array([.real(1.0), .real(-2000), .string("xé\n"), .bool(true), .null]))
    }

    func testSyntaxErrorsCarryLineAndColumn() {
        XCTAssertThrowsError(try parse("{\n  \"a\": 1,\n  \"b\" 2\n}")) { e in
            let s = e as! JSONParser.SyntaxError
            XCTAssertEqual(s.line, 3)
            XCTAssertEqual(s.column, 7)
            XCTAssertTrue(s.description.contains("line 3, column 7"), s.description)
        }
        XCTAssertThrowsError(try parse("{\"a\": 1,}"))
        XCTAssertThrowsError(try parse("[1, 2"))
        XCTAssertThrowsError(try parse("01"))
        XCTAssertThrowsError(try parse("{} x"))
    }

    /// Found by libFuzzer: a backslash before a line break was quoted raw, so the message
    /// spanned two lines.
    func testAnInvalidEscapeIsQuotedOnOneLine() {
        XCTAssertThrowsError(try parse("{\"a\": \"x\\\ny\"}")) { e in
            XCTAssertEqual("\(e)", #"invalid JSON at line 1, column 9: invalid escape '\\n'"#)
        }
    }

    func testDuplicateKeysAreRejected() {
        XCTAssertThrowsError(try parse(#"{"k": 1, "k": 2}"#)) { e in
            XCTAssertTrue("\(e)".contains("duplicate key \"k\""), "\(e)")
        }
    }

    func testCanonicalFormSortsKeysAndWritesRealsWithAPointOrExponent() throws {
        let v = try parse(#"{"eps": 1.0, "b": [1, 0.1, 1e-5, 1e20], "a": "\"/"}"#)
        XCTAssertEqual(JSONWriter.canonical(v), #"{"a":"\"/","b":[1,0.1,1e-05,1e+20],"eps":1.0}"#)
        XCTAssertEqual(JSONWriter.real(1), "1.0")
        XCTAssertEqual(JSONWriter.real(0.30000000000000004), "0.30000000000000004")
    }

    func testPrettyOutputReparsesToTheSameValue() throws {
        let v = try parse(#"{"z": [1, {"y": null}], "a": -0.5}"#)
        XCTAssertEqual(try parse(JSONWriter.pretty(v)), .object([("a", .real(-0.5)), ("z", .array([.int(1), .object([("y", .null)])]))]))
    }
}
