import Foundation
import SeglabNumerics
#if canImport(XCTest)
import XCTest
#endif

/// Locates `../shared` (the reference fixtures and real data that CI has beside the clone).
///
/// A test that needs it calls `try SharedFixtures.require(...)`, which throws an `XCTSkip`
/// saying exactly what was absent, so a skipped check is never mistaken for a passed one.
public enum SharedFixtures {
    /// The package root (two levels above this file's folder).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `SEGLAB_SHARED` if set, else `<package>/../shared`.
    public static let sharedRoot: URL = {
        if let env = ProcessInfo.processInfo.environment["SEGLAB_SHARED"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    public static var referenceDir: URL { sharedRoot.appendingPathComponent("reference") }
    public static var dataDir: URL { sharedRoot.appendingPathComponent("data") }

    /// The URL of `relative` under shared/, or nil when it is absent.
    public static func url(_ relative: String) -> URL? {
        let u = sharedRoot.appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: u.path) ? u : nil
    }

    /// Reads a reference CSV of the form `id,x0..x{d-1}[,true]` (or `id,label[,core]`):
    /// returns the header and the rows as Doubles (read with `Double(String)`, so the bits
    /// are exactly those of the file).
    public static func readNumericCSV(_ url: URL) throws -> (header: [String], rows: [[Double]]) {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        let rows = lines.map { line in line.split(separator: ",").map { Double($0)! } }
        return (header, rows)
    }

    /// A reference data set as a feature matrix (columns `x*`), its `true` labels if any.
    public static func referenceDataset(_ name: String) throws -> (x: Matrix, truth: [Int]?) {
        let (header, rows) = try readNumericCSV(try require("reference/\(name).csv"))
        let xCols = header.indices.filter { header[$0].hasPrefix("x") }
        let x = Matrix(rowArrays: rows.map { r in xCols.map { r[$0] } })
        let truth = header.firstIndex(of: "true").map { t in rows.map { Int($0[t]) } }
        return (x, truth)
    }

    /// A `labels_*.csv` file's `label` column.
    public static func referenceLabels(_ file: String) throws -> [Int] {
        let (header, rows) = try readNumericCSV(try require("reference/\(file)"))
        let l = header.firstIndex(of: "label")!
        return rows.map { Int($0[l]) }
    }

    /// `expected_<name>.json` parsed with JSONSerialization.
    public static func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: try require("reference/expected_\(name).json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// The URL of `relative` under shared/; when it is absent, skips the calling test (an
    /// `XCTSkip` naming it) instead of failing it. Every reader above goes through it.
    @discardableResult
    public static func require(_ relative: String) throws -> URL {
        guard let u = url(relative) else {
            throw skip("SKIPPED: \(sharedRoot.path)/\(relative) is absent (CI has ../shared beside the clone; set SEGLAB_SHARED to point elsewhere)")
        }
        return u
    }

    /// An `XCTSkip` where XCTest is there (every test target); a plain error elsewhere.
    private static func skip(_ message: String) -> Error {
        #if canImport(XCTest)
        XCTSkip(message)
        #else
        Absent(description: message)
        #endif
    }

    private struct Absent: Error, CustomStringConvertible { let description: String }
}
