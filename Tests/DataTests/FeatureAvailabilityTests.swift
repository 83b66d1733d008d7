import XCTest
@testable import SeglabData

/// SPEC §1 defaults: a feature set without columns takes every feature the source can compute
/// that is not constant over all customers; the rest is left out with its reason.
final class FeatureAvailabilityTests: XCTestCase {
    func testTransactionsWithoutProductsOrReturns() throws {
        let path = TempFiles.write("cust,day,qty,amt\n7,1997-01-01,1,10.00\n7,1997-03-01,1,12.50\n8,1997-01-04,1,5.00\n9,1997-02-04,3,9.00\n")
        let source = TransactionsCSVSource(path: path, customer: "cust", date: "day", quantity: "qty", amount: "amt")
        let a = FeatureAvailability(try DataLoader.load(.transactionsCSV(source), cleaning: CleaningRules(), usedColumns: nil))
        XCTAssertEqual(a.available, ["recency_days", "frequency", "monetary", "tenure_days", "avg_basket", "days_between_orders"])
        XCTAssertEqual(a.leftOut.map(\.feature), ["distinct_products", "return_rate"])
        XCTAssertTrue(a.leftOut[0].reason.contains("no product column"), a.leftOut[0].reason)
        XCTAssertEqual(a.leftOut[1].reason, "constant over all 3 customers after cleaning (every value is 0.0)")
    }

    func testAProductColumnMakesDistinctProductsComputable() throws {
        let path = TempFiles.write("cust,day,qty,amt,sku\n7,1997-01-01,1,10.00,A\n7,1997-03-01,1,12.50,A\n8,1997-01-04,1,5.00,B\n8,1997-01-05,1,5.00,C\n8,1997-01-06,1,5.00,C\n")
        let source = TransactionsCSVSource(path: path, customer: "cust", date: "day", quantity: "qty", amount: "amt", product: "sku")
        let a = FeatureAvailability(try DataLoader.load(.transactionsCSV(source), cleaning: CleaningRules(), usedColumns: nil))
        XCTAssertTrue(a.available.contains("distinct_products"))
        XCTAssertEqual(a.leftOut.map(\.feature), ["return_rate"])
    }

    func testAConstantColumnOfACustomersFile() throws {
        let path = TempFiles.write("id,x,flag,y\na,1,1,5\nb,2,1,-0.0\nc,3,1,0\n")
        let a = FeatureAvailability(try DataLoader.load(.customersCSV(CustomersCSVSource(path: path, id: "id")),
                                                        cleaning: CleaningRules(), usedColumns: nil))
        XCTAssertEqual(a.available, ["x", "y"])
        XCTAssertEqual(a.leftOut, [LeftOutFeature(feature: "flag", reason: "constant over all 3 customers after cleaning (every value is 1.0)")])
    }
}
