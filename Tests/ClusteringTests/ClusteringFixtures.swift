import Foundation
import SeglabNumerics
import SeglabTestSupport

/// The fixtures of `Fixtures/` (made by `Fixtures/make_fixtures.py` with scikit-learn) and
/// helpers to compare labelings.
enum ClusteringFixtures {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// `blobs_aniso.csv` as a matrix.
    static func anisotropicBlobs() throws -> Matrix {
        let (header, rows) = try SharedFixtures.readNumericCSV(dir.appendingPathComponent("blobs_aniso.csv"))
        let cols = header.indices.filter { header[$0].hasPrefix("x") }
        return Matrix(rowArrays: rows.map { r in cols.map { r[$0] } })
    }

    /// A labels file's `label` column and, when it has one, its `core` column.
    static func labels(_ url: URL) throws -> (labels: [Int], core: [Bool]?) {
        let (header, rows) = try SharedFixtures.readNumericCSV(url)
        let l = header.firstIndex(of: "label")!
        let core = header.firstIndex(of: "core").map { c in rows.map { $0[c] == 1 } }
        return (rows.map { Int($0[l]) }, core)
    }

    static func expected() throws -> [String: Any] {
        let data = try Data(contentsOf: dir.appendingPathComponent("expected.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// Whether `a` and `b` are the same partition up to renaming the clusters: a one-to-one
    /// map between their ids (equivalently, ARI exactly 1), noise (-1) staying noise.
    static func samePartition(_ a: [Int], _ b: [Int]) -> Bool {
        guard a.count == b.count else { return false }
        var forward = [Int: Int](), backward = [Int: Int]()
        for (p, q) in zip(a, b) {
            if (p < 0) != (q < 0) { return false }
            if p < 0 { continue }
            if let m = forward[p], m != q { return false }
            if let m = backward[q], m != p { return false }
            forward[p] = q
            backward[q] = p
        }
        return true
    }
}
