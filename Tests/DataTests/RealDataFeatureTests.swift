import Foundation
import XCTest
import SeglabTestSupport
@testable import SeglabData

/// SPEC §5 features of the real transaction logs against an independent pandas computation
/// (`Fixtures/make_feature_fixtures.py` → `Fixtures/expected_features.json`).
final class RealDataFeatureTests: XCTestCase {
    /// The expected figures of data set `name` (read per test: `[String: Any]` is not Sendable,
    /// so it cannot be a shared static).
    private func fixture(_ name: String) throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/expected_features.json")
        let all = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return all[name] as! [String: Any]
    }

    private func check(_ name: String, _ source: (String) -> TransactionsCSVSource) throws {
        let expected = try fixture(name)
        let url = try SharedFixtures.require(expected["file"] as! String)
        let table = try DataLoader.load(.transactionsCSV(source(url.path)), cleaning: CleaningRules(), usedColumns: nil)

        XCTAssertEqual(table.count, expected["customers"] as? Int, "\(name): customers after default cleaning")
        let steps = expected["steps"] as! [String: Int]
        for step in table.report.steps {
            XCTAssertEqual(step.rowsOut, steps[step.step], "\(name): rows after step '\(step.step)'")
        }
        XCTAssertEqual(Array(table.ids.prefix(20)), expected["first_ids"] as! [String], "\(name): order of first rows")

        let samples = expected["customers_features"] as! [String: [String: Double]]
        XCTAssertGreaterThanOrEqual(samples.count, 10)
        for (id, features) in samples.sorted(by: { $0.key < $1.key }) {
            guard let i = table.ids.firstIndex(of: id) else { XCTFail("\(name): customer \(id) missing"); continue }
            for (feature, value) in features {
                let mine = table.numeric[i, CustomerFeatures.names.firstIndex(of: feature)!]
                let scale = max(abs(value), 1e-300)
                XCTAssertLessThanOrEqual(abs(mine - value) / scale, 1e-9, "\(name) customer \(id) \(feature): \(mine) vs \(value)")
            }
        }
    }

    func testOnlineRetail() throws {
        try check("online_retail") {
            TransactionsCSVSource(path: $0, customer: "CustomerID", date: "InvoiceDate", quantity: "Quantity", unitPrice: "UnitPrice",
                                  invoice: "InvoiceNo", product: "StockCode", asOf: "2011-12-10")
        }
    }

    func testCDNOW() throws {
        try check("cdnow") { TransactionsCSVSource(path: $0, customer: "customer_id", date: "date", quantity: "quantity", amount: "amount") }
    }
}
