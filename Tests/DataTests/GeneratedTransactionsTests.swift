import Foundation
import XCTest
@testable import SeglabData

/// `seglab generate transactions`: a pure function of (customers, seed), and every customer's
/// SPEC §5 features equal an independent pandas computation on the same bytes
/// (`Fixtures/make_generated_fixture.py` → `Fixtures/expected_generated.json`).
final class GeneratedTransactionsTests: XCTestCase {
    private var fixture: [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/expected_generated.json")
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    private func source(_ path: String) -> TransactionsCSVSource {
        TransactionsCSVSource(path: path, customer: "CustomerID", date: "InvoiceDate", quantity: "Quantity", unitPrice: "UnitPrice",
                              invoice: "InvoiceNo", product: "StockCode", asOf: "2011-12-10")
    }

    func testEveryCustomerMatchesPandas() throws {
        let fixture = self.fixture
        let path = TempFiles.write("", name: "generated.csv")
        try TransactionsGenerator.write(customers: fixture["customers"] as! Int,
                                        seed: UInt64(fixture["seed"] as! Int), to: path)
        let data = try DataLoader.read(.transactionsCSV(source(path)), cleaning: CleaningRules())
        XCTAssertEqual(data.fingerprint, fixture["sha256"] as? String,
                       "the generator's bytes changed: regenerate the fixture (see make_generated_fixture.py)")
        let table = try DataLoader.load(data, cleaning: CleaningRules(), usedColumns: nil)
        let expected = fixture["features"] as! [String: [Double]]
        XCTAssertEqual(Set(table.ids), Set(expected.keys))
        for (i, id) in table.ids.enumerated() {
            guard let values = expected[id] else { continue }
            for (j, name) in CustomerFeatures.names.enumerated() {
                // Sums of prices may round differently in pandas' groupby (its own summation
                // order); 1e-12 relative leaves room for that and nothing else.
                let mine = table.numeric[i, j], theirs = values[j]
                XCTAssertLessThanOrEqual(abs(mine - theirs), 1e-12 * max(abs(theirs), 1), "customer \(id) \(name): \(mine) vs \(theirs)")
            }
        }
        // The export's quirks are all there: guest orders, exact copies, free lines, returns.
        let dropped = Dictionary(uniqueKeysWithValues: table.report.steps.map { ($0.step, $0.rowsIn - $0.rowsOut) })
        XCTAssertGreaterThan(dropped["missing customer id"]!, 0)
        XCTAssertGreaterThan(dropped["duplicates"]!, 0)
        XCTAssertGreaterThan(dropped["non-positive price"]!, 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("\nC5"), "cancellations")
        XCTAssertTrue(text.contains(",\"") && text.contains("\"\""), "quoted descriptions with commas and doubled quotes")
    }

    func testSameArgumentsSameBytes() throws {
        let a = TempFiles.write("", name: "a.csv"), b = TempFiles.write("", name: "b.csv"), c = TempFiles.write("", name: "c.csv")
        try TransactionsGenerator.write(customers: 150, seed: 3, to: a)
        try TransactionsGenerator.write(customers: 150, seed: 3, to: b)
        try TransactionsGenerator.write(customers: 150, seed: 4, to: c)
        XCTAssertEqual(FileManager.default.contents(atPath: a), FileManager.default.contents(atPath: b))
        XCTAssertNotEqual(FileManager.default.contents(atPath: a), FileManager.default.contents(atPath: c))
    }
}
