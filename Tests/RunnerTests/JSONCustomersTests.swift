import XCTest
import SeglabData
@testable import SeglabRunner

final class JSONCustomersTests: XCTestCase {
    func customers(_ s: String) throws -> JSONCustomers { try JSONCustomers(try JSONParser.parse(Array(s.utf8)), name: "body") }

    func testObjectsBecomeTheCSVTheLoaderReads() throws {
        let c = try customers(#"[{"id": "a", "x": 1, "y": 0.1}, {"y": 2.5e-7, "id": "b,\"q\"", "z": null}, {"id": 7}]"#)
        XCTAssertEqual(c.count, 3)
        XCTAssertEqual(String(decoding: c.csv, as: UTF8.self), "id,x,y,z\na,1,0.1,\n\"b,\"\"q\"\"\",,2.5e-07,\n7,,,\n")
        XCTAssertEqual(String(decoding: try customers(#"[{"id": null}]"#).csv, as: UTF8.self), "id\n\"\"\n",
                       "a lone empty cell is not a blank line")
    }

    func testLoaderErrorsAreRestatedAsElementAndField() throws {
        // The second element's text spans two lines: the third starts on line 5.
        let c = try customers(#"[{"id": "a", "x": 1}, {"id": "b\nc", "x": 2}, {"id": "d", "x": "oops"}]"#)
        XCTAssertEqual(c.restate(DataError(file: "body", row: 5, column: "x", "'oops' is not a number")).description,
                       "body: at [2].x: 'oops' is not a number")
        XCTAssertEqual(c.restate(DataError(file: "body", row: 1, column: "w", "no column named 'w'")).description,
                       "body, field 'w': no column named 'w'")
        XCTAssertEqual(c.restate(DataError(file: "body", "has a header but no customer rows")).description,
                       "body: has a header but no customer rows")
    }

    func testOtherShapesAreRefused() {
        for (text, message) in [
            ("{}", "body: expected a JSON array of objects (one per customer), got an object"),
            ("[1]", "body: at [0]: expected an object (one customer), got an integer"),
            (#"[{"id": "a"}, {"id": [1]}]"#, "body: at [1].id: expected a string, a number or null, got an array"),
        ] {
            XCTAssertThrowsError(try customers(text), text) { XCTAssertEqual("\($0)", message) }
        }
    }
}
