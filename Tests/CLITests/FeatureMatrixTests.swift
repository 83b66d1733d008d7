import Crypto
import Foundation
import XCTest
import SeglabTestSupport

/// `seglab features` writes exactly the matrix the runs saw: its numbers, read back, hash to
/// the `matrix_sha256` the run recorded in `feature_sets.json`.
final class FeatureMatrixTests: CLITestCase {
    func matrixHash(ofFeatureCSV text: String) -> String {
        var values = [Double]()
        for line in text.split(separator: "\n").dropFirst() {
            values += line.split(separator: ",").dropFirst().map { Double($0)! }
        }
        let digest = values.withUnsafeBytes { SHA256.hash(data: $0) }
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    func featureSetsJSON(_ experiment: String) throws -> [String: Any] {
        try json(try read("results/\(experiment)/feature_sets.json")) as! [String: Any]
    }

    func testFeaturesCSVIsTheMatrixTheRunsSaw() throws {
        try write("e.json", """
        {"name": "pca", "seed": 1, "data": {"synthetic": {"customers": 500, "segments": 4, "seed": 3}},
         "feature_sets": {"all8": {"log1p": ["frequency", "monetary"], "scale": "robust", "pca": {"variance": 0.9}},
                          "rfm": {"columns": ["recency_days", "frequency", "monetary"], "scale": "minmax"}},
         "algorithms": {"kmeans": {"k": 3}}}
        """)
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let sets = try featureSetsJSON("pca")
        for name in ["all8", "rfm"] {
            XCTAssertEqual(try seglab("features", "e.json", "--set", name, "--out", "\(name).csv").status, 0)
            let text = try read("\(name).csv")
            let recorded = sets[name] as! [String: Any]
            XCTAssertEqual(matrixHash(ofFeatureCSV: text), recorded["matrix_sha256"] as? String, name)
            let header = text.split(separator: "\n")[0].split(separator: ",").map(String.init)
            XCTAssertEqual(Array(header.dropFirst()), recorded["features"] as? [String])
        }
        let pca = sets["all8"] as! [String: Any]
        let ratios = pca["explained_variance_ratio"] as! [Double]
        XCTAssertEqual(ratios.count, 8)
        XCTAssertEqual(ratios.reduce(0, +), 1, accuracy: 1e-9)
        XCTAssertEqual(ratios, ratios.sorted(by: >))
        XCTAssertTrue((pca["features"] as! [String]).allSatisfy { $0.hasPrefix("pc") })
    }

    func testOnlineRetailFeatures() throws {
        let data = try SharedFixtures.require("data/online_retail/transactions.csv")
        try write("e.json", """
        {"name": "retail", "seed": 1,
         "data": {"transactions_csv": {"path": "\(data.path)", "customer": "CustomerID", "invoice": "InvoiceNo",
                  "date": "InvoiceDate", "quantity": "Quantity", "unit_price": "UnitPrice", "product": "StockCode",
                  "as_of": "2011-12-10"}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]}},
         "algorithms": {"kmeans": {"k": 4}}}
        """)
        let r = try seglab("features", "e.json", "--set", "rfm", "--out", "f.csv")
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try read("f.csv").split(separator: "\n")
        XCTAssertEqual(lines[0], "customer_id,recency_days_scaled,frequency_log1p_scaled,monetary_log1p_scaled")
        XCTAssertEqual(lines.count, 4338 + 1, "customers after the default cleaning")
        XCTAssertTrue(lines[1].hasPrefix("17850,"), "customers in order of their first row")
    }

    func testMalformedTransactionsNameFileRowAndColumn() throws {
        try write("t.csv", "cust,day,qty,price\n1,2011-01-02,3,1.5\n2,2011-13-40,1,2.0\n")
        try write("e.json", """
        {"name": "tx", "seed": 1, "data": {"transactions_csv": {"path": "t.csv", "customer": "cust", "date": "day",
         "quantity": "qty", "unit_price": "price"}}, "algorithms": {"kmeans": {"k": 2}}}
        """)
        let r = try seglab("run", "e.json")
        XCTAssertEqual(r.status, 2)
        for text in ["t.csv", "row 3", "day"] { XCTAssertTrue(r.stderr.contains(text), r.stderr) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results/ledger.sqlite").path))
        try write("t.csv", "cust,day,qty,price\n1,2011-01-02,3,1.5\n2,2011-01-03,x,2.0\n")
        let q = try seglab("run", "e.json")
        XCTAssertEqual(q.status, 2)
        for text in ["t.csv", "row 3", "qty"] { XCTAssertTrue(q.stderr.contains(text), q.stderr) }
    }
}
