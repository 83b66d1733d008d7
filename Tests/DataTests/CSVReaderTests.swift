import XCTest
@testable import SeglabData

final class CSVReaderTests: XCTestCase {
    /// Every record as (line, fields), the file held whole. The same file streamed in blocks
    /// of 1, 2, 3, 5, 7 and 64 bytes (every boundary a record, quote, CRLF or UTF-8 sequence
    /// can straddle) must give the same records, or the same error, and the same fingerprint.
    private func records(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws
        -> (header: [String], rows: [(Int, [String])]) {
        let path = TempFiles.write(bytes)
        func read(_ blockSize: Int?) -> Result<(header: [String], rows: [(Int, [String])], sha: String), DataError> {
            do {
                let csv = try CSVReader(path: path, blockSize: blockSize)
                var rows: [(Int, [String])] = []
                while try csv.next() { rows.append((csv.line, csv.header.indices.map { csv.string($0) })) }
                return .success((csv.header, rows, try csv.fingerprint()))
            } catch {
                return .failure(error as! DataError)
            }
        }
        let whole = read(nil)
        for blockSize in [1, 2, 3, 5, 7, 64] {
            switch (whole, read(blockSize)) {
            case (.success(let a), .success(let b)):
                XCTAssertEqual(a.header, b.header, "block \(blockSize)", file: file, line: line)
                XCTAssertEqual(a.rows.map { "\($0.0):\($0.1)" }, b.rows.map { "\($0.0):\($0.1)" }, "block \(blockSize)", file: file, line: line)
                XCTAssertEqual(a.sha, b.sha, "block \(blockSize)", file: file, line: line)
            case (.failure(let a), .failure(let b)):
                XCTAssertEqual(a, b, "block \(blockSize)", file: file, line: line)
            case (let a, let b):
                XCTFail("whole: \(a), block \(blockSize): \(b)", file: file, line: line)
            }
        }
        let (header, rows, _) = try whole.get()
        return (header, rows)
    }

    private func records(_ text: String) throws -> (header: [String], rows: [(Int, [String])]) {
        try records(Array(text.utf8))
    }

    func testQuotedFieldsWithCommasDoubledQuotesAndNewlines() throws {
        let (header, rows) = try records("a,b,c\n\"x, y\",\"he said \"\"hi\"\"\",3\n\"two\nlines\",,\"\"\n5\" screen,q,r\n")
        XCTAssertEqual(header, ["a", "b", "c"])
        XCTAssertEqual(rows.map { $0.1 }, [["x, y", "he said \"hi\"", "3"], ["two\nlines", "", ""], ["5\" screen", "q", "r"]])
        XCTAssertEqual(rows.map { $0.0 }, [2, 3, 5], "a record's row is the line it starts on")
    }

    func testCRLFAndMissingFinalNewlineAndBlankLines() throws {
        let (_, rows) = try records("a,b\r\n1,2\r\n\r\n3,4")
        XCTAssertEqual(rows.map { $0.1 }, [["1", "2"], ["3", "4"]])
        XCTAssertEqual(rows.map { $0.0 }, [2, 4])
    }

    func testLeadingBOMIsSkipped() throws {
        let (header, rows) = try records([0xEF, 0xBB, 0xBF] + Array("id,x\n1,2\n".utf8))
        XCTAssertEqual(header, ["id", "x"])
        XCTAssertEqual(rows.count, 1)
    }

    func testMultiByteUTF8IsKept() throws {
        let (_, rows) = try records("id,d\n1,Voucher £40\n")
        XCTAssertEqual(rows[0].1[1], "Voucher £40")
    }

    func testUTF16WithBOMIsNamed() {
        let le = TempFiles.utf16("id,x\n1,2\n")
        XCTAssertDataError(try records(le), row: nil, column: nil, "is not UTF-8 (looks like UTF-16 little-endian")
        let be = TempFiles.utf16("id,x\n", bigEndian: true)
        XCTAssertDataError(try records(be), row: nil, column: nil, "UTF-16 big-endian")
    }

    func testUTF16WithoutBOMIsNamedFromItsNULBytes() {
        let le = TempFiles.utf16("id,x\n1,2\n", bom: false)
        XCTAssertDataError(try records(le), row: nil, column: nil, "looks like UTF-16 little-endian")
        let utf32: [UInt8] = Array("id\n".utf8).flatMap { b -> [UInt8] in [b, 0, 0, 0] }
        XCTAssertDataError(try records(utf32), row: nil, column: nil, "looks like UTF-32")
    }

    func testInvalidUTF8NamesTheCell() {
        let bytes = Array("id,name\n1,ok\n2,caf".utf8) + [0xE9] + Array("\n".utf8)
        XCTAssertDataError(try records(bytes), row: 3, column: "name", "is not UTF-8: the invalid UTF-8 byte 0xE9")
    }

    func testUnterminatedQuoteIsBadInput() {
        XCTAssertDataError(try records("a,b\n1,2\n3,\"abc\n"), row: 3, column: "b", "never closed")
    }

    func testTextAfterClosingQuoteIsBadInput() {
        XCTAssertDataError(try records("a,b\n\"x\"y,2\n"), row: 2, column: "a", "after the closing quote")
    }

    func testEmptyFileIsBadInput() {
        XCTAssertDataError(try records(""), row: 1, column: nil, "the file is empty")
        XCTAssertDataError(try records([0xEF, 0xBB, 0xBF, 0x0A]), row: 1, column: nil, "the file is empty")
    }

    func testWrongNumberOfFields() {
        XCTAssertDataError(try records("a,b,c\n1,2,3\n4,5\n"), row: 3, column: "c", "has 2 fields but the header has 3 columns")
        XCTAssertDataError(try records("a,b\n1,2,3\n"), row: 2, column: nil, "has more than 2 fields")
    }

    func testRepeatedHeaderNameIsBadInput() {
        XCTAssertDataError(try records("a,b,a\n1,2,3\n"), row: 1, column: "a", "names this column twice")
    }

    func testMissingFileIsBadInput() {
        XCTAssertDataError(try CSVReader(path: "/nonexistent/x.csv"), row: nil, column: nil, "cannot read the file")
    }

    func testFingerprintIsTheSHA256OfTheFile() throws {
        let csv = try CSVReader(path: TempFiles.write("a\n1\n"), blockSize: 2)
        while try csv.next() {}
        // printf 'a\n1\n' | sha256sum
        XCTAssertEqual(try csv.fingerprint(), "309b0e45a73d3fc5325e2b6ed0a01ef8b9cde6b05a5633c1f893f970d52bfddc")
    }

    func testRewindReadsTheRecordsAgain() throws {
        let csv = try CSVReader(path: TempFiles.write("a\n1\n2\n"))
        var first: [String] = [], second: [String] = []
        while try csv.next() { first.append(csv.string(0)) }
        csv.rewind()
        while try csv.next() { second.append(csv.string(0)) }
        XCTAssertEqual(first, ["1", "2"])
        XCTAssertEqual(second, first)
    }
}
