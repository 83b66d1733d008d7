import Foundation
import XCTest
@testable import SeglabData

/// Small input files for the data tests, written to a fresh temporary folder.
enum TempFiles {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seglab-datatests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Writes `bytes` to a new file and returns its path.
    static func write(_ bytes: [UInt8], name: String = "input.csv") -> String {
        let url = folder.appendingPathComponent(UUID().uuidString + "-" + name)
        precondition(FileManager.default.createFile(atPath: url.path, contents: Data(bytes)))
        return url.path
    }

    static func write(_ text: String, name: String = "input.csv") -> String { write(Array(text.utf8), name: name) }

    /// `text` encoded as UTF-16 (with a byte-order mark when `bom`).
    static func utf16(_ text: String, bigEndian: Bool = false, bom: Bool = true) -> [UInt8] {
        let units = (bom ? [0xFEFF] : []) + Array(text.utf16)
        return units.flatMap { u -> [UInt8] in
            let pair = [UInt8(u & 0xFF), UInt8(u >> 8)]
            return bigEndian ? pair.reversed() : pair
        }
    }
}

/// Asserts that `body` throws a `DataError` at `row` and `column` whose message contains `fragment`.
func XCTAssertDataError<T>(_ body: @autoclosure () throws -> T, row: Int?, column: String?, _ fragment: String,
                           file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected a DataError containing '\(fragment)'", file: file, line: line)
    } catch let e as DataError {
        XCTAssertEqual(e.row, row, "row of: \(e)", file: file, line: line)
        XCTAssertEqual(e.column, column, "column of: \(e)", file: file, line: line)
        XCTAssertTrue(e.description.contains(fragment), "'\(e)' lacks '\(fragment)'", file: file, line: line)
    } catch {
        XCTFail("expected a DataError, got \(error)", file: file, line: line)
    }
}
