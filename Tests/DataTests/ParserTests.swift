import XCTest
@testable import SeglabData

/// Numbers and dates read from bytes.
final class ParserTests: XCTestCase {
    private func number(_ text: String) -> NumericCell {
        Array(text.utf8).withUnsafeBufferPointer { NumberParser.parse($0) }
    }

    private func day(_ text: String, format: String? = nil) throws -> Int32? {
        let parser = try DateParser(format: format)
        return Array(text.utf8).withUnsafeBufferPointer { parser.day($0) }
    }

    func testNumbersAreCorrectlyRoundedLikeDoubleString() {
        let texts = ["0", "-0", "7", "4.35", "2.55", "38970.0", "-11062.06", "0.1", "1e22", "1e23", "1.7976931348623157e308",
                     "5e-324", "123456789012345678901234567890", "0.1234567890123456789012", "9007199254740993",
                     "1.", ".5", "-.5", "+3", "1E+2", "2.5e-3", "0000123.4500", "1e-400"]
        for t in texts {
            XCTAssertEqual(number(t), .number(Double(t)!), t)
            if case .number(let v) = number(t) { XCTAssertEqual(v.bitPattern, Double(t)!.bitPattern, t) }
        }
        XCTAssertEqual(number("  7 "), .number(7), "surrounding spaces are allowed")
    }

    func testOnlyTheEmptyCellIsMissing() {
        XCTAssertEqual(number(""), .empty)
        XCTAssertEqual(number("  "), .empty)
        for t in ["NaN", "nan", "-NaN", "inf", "-inf", "+INF", "Infinity", "-infinity"] {
            XCTAssertEqual(number(t), .nonFinite, t)
        }
        for t in ["1e400", "-1e999", "1e999999999999", "1.8e308", String(repeating: "9", count: 400)] {
            XCTAssertEqual(number(t), .outOfRange, t)
        }
        XCTAssertEqual(number("1e-400"), .number(0), "below the smallest subnormal: zero, as strtod and Double(String)")
        for t in ["NA", "null", "1e", "e5", "1,5", "0x10", "--1", "1 2", ".", "-", "1.2.3", "½"] {
            XCTAssertEqual(number(t), .invalid, t)
        }
    }

    func testISODatesWithOptionalTime() throws {
        let d = try day("2011-12-09")
        XCTAssertNotNil(d)
        for t in ["2011-12-09T12:50:00", "2011-12-09 12:50", "2011-12-09T23:59:59.999", "2011-12-09T00:00Z", "2011-12-09T08:00:00+01:00"] {
            XCTAssertEqual(try day(t), d, t)
        }
        XCTAssertEqual(try day("1970-01-01"), 0)
        XCTAssertEqual(try day("2000-03-01"), 11_017)
        XCTAssertEqual(try day("2012-02-29"), try day("2012-03-01").map { $0 - 1 })
        for bad in ["2011-02-29", "2011-13-01", "2011-12-9", "2011-12-09T25:00", "2011-12-09T12", "2011-12-09x", "", "12/09/2011", "1900-02-29"] {
            XCTAssertNil(try day(bad), bad)
        }
        XCTAssertEqual(DateParser.text(d!), "2011-12-09")
        XCTAssertEqual(DateParser.parseISODate("2011-12-10"), d! + 1)
        XCTAssertNil(DateParser.parseISODate("2011-12-10T00:00"))
    }

    func testStrftimeFormatsWithOneOrTwoDigitNumbers() throws {
        let d = try day("2011-12-09")
        XCTAssertEqual(try day("12/9/2011 8:05", format: "%m/%d/%Y %H:%M"), d)
        XCTAssertEqual(try day("09/12/2011", format: "%d/%m/%Y"), d)
        XCTAssertEqual(try day("9 DEC 2011", format: "%d %b %Y"), d)
        XCTAssertEqual(try day("9   dec   2011", format: "%d %b %Y"), d, "a space matches one or more spaces")
        XCTAssertEqual(try day("111209", format: "%y%m%d"), d)
        XCTAssertEqual(try day("2011-12-09 12:50:07", format: "%Y-%m-%d %H:%M:%S"), d)
        XCTAssertEqual(try day("99-1-1", format: "%y-%m-%d"), try day("1999-01-01"))
        XCTAssertEqual(try day("100%9.12.2011", format: "100%%%d.%m.%Y"), d)
        XCTAssertNil(try day("2011-12-09", format: "%d/%m/%Y"))
        XCTAssertNil(try day("31/02/2011", format: "%d/%m/%Y"))
        XCTAssertNil(try day("9 Dez 2011", format: "%d %b %Y"))
        XCTAssertNil(try day("12/9/2011 24:00", format: "%m/%d/%Y %H:%M"))
        XCTAssertThrowsError(try DateParser(format: "%j/%Y"))
        XCTAssertThrowsError(try DateParser(format: "%m/%Y"), "a format without a day is refused")
    }
}
