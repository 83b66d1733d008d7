import Foundation
import XCTest
import SeglabTestSupport

/// Several input tables (`data.tables`): every customer's declared aggregates equal an
/// independent pandas computation (merge + groupby, Fixtures/tables_reference.py), on the
/// coupon shop of ../shared and on a second generated shop with line values, a three-link
/// chain, broken keys at two links, copies and members missing from the customer table; and
/// bad declarations exit 2 naming the file and the place, leaving the ledger untouched.
final class TablesTests: CLITestCase {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tables_reference.py").path

    /// python3 with pandas, or a skip saying so.
    func python(_ arguments: String...) throws {
        guard try shell("/usr/bin/env", "python3", "-c", "import pandas") == 0 else {
            throw XCTSkip("SKIPPED: python3 with pandas is absent (the pandas reference of the aggregates needs it)")
        }
        XCTAssertEqual(try shell("/usr/bin/env", ["python3", Self.script] + arguments), 0, "tables_reference.py \(arguments)")
    }

    func shell(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.currentDirectoryURL = dir
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// A CSV of `customer_id` and numbers (and the reference's `#joins` line), by customer.
    func table(_ name: String) throws -> (columns: [String], rows: [String: [Double]], joins: [String: Int]) {
        var lines = try read(name).split(separator: "\n").map(String.init)
        var joins: [String: Int] = [:]
        if lines.last?.hasPrefix("#joins") == true {
            for pair in lines.removeLast().split(separator: ",").dropFirst() {
                let kv = pair.split(separator: "=")
                joins[String(kv[0])] = Int(kv[1])!
            }
        }
        let columns = lines.removeFirst().split(separator: ",").map(String.init)
        var rows: [String: [Double]] = [:]
        for line in lines {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            rows[String(cells[0])] = cells.dropFirst().map { Double($0)! }
        }
        return (columns, rows, joins)
    }

    /// seglab's raw features (`features --raw`) against the pandas reference: the same
    /// customers, every aggregate within 1e-9 (relative above 1: pandas sums with Kahan
    /// compensation, seglab in file order), the data report's unmatched keys equal.
    func compare(experiment: String, reference: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let f = try seglab("features", experiment, "--set", "all", "--raw", "--out", "raw.csv")
        XCTAssertEqual(f.status, 0, f.stderr, file: file, line: line)
        let ours = try table("raw.csv"), theirs = try table(reference)
        XCTAssertEqual(ours.columns, theirs.columns, file: file, line: line)
        XCTAssertEqual(ours.rows.count, theirs.rows.count, "customer counts", file: file, line: line)
        XCTAssertEqual(Set(ours.rows.keys), Set(theirs.rows.keys), file: file, line: line)
        var worst = 0.0
        for (id, expected) in theirs.rows {
            guard let got = ours.rows[id] else { continue }
            for (j, (a, b)) in zip(got, expected).enumerated() {
                let error = abs(a - b) / max(1, abs(b))
                worst = max(worst, error)
                if !(error <= 1e-9) { XCTFail("\(id) \(ours.columns[j + 1]): seglab \(a), pandas \(b)", file: file, line: line); return }
            }
        }
        print("\(experiment): \(ours.rows.count) customers × \(ours.columns.count - 1) aggregates, worst relative difference \(worst)")

        let r = try seglab("run", experiment, "--ledger", "ledger.sqlite")
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        let name = (try json(try read(experiment)) as! [String: Any])["name"] as! String
        let report = try json(try read("results/\(name)/data_report.json")) as! [String: Any]
        let set = (report["feature_sets"] as! [String: Any])["all"] as! [String: Any]
        let joins = (set["joins"] as! [[String: Any]]).map { ($0["table"] as! String, $0["unmatched"] as! Int) }
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: joins), theirs.joins, "unmatched keys", file: file, line: line)
        XCTAssertEqual(set["customers"] as? Int, theirs.rows.count, file: file, line: line)
    }

    func testCouponAggregatesEqualPandas() throws {
        let coupons = try SharedFixtures.require("data/coupons/transactions.csv").deletingLastPathComponent().path
        try write("coupons.json", """
        {"name": "coupons-check", "seed": 1,
         "data": {"tables": {
           "events": {"path": "\(coupons)/transactions.csv", "customer": "customer_id", "date": "claimed_date", "dates": ["burnt_date"]},
           "lookups": {
             "branches":  {"path": "\(coupons)/branches.csv",  "key": "branch_id",   "from": "events.branch_id", "unmatched": "keep"},
             "merchants": {"path": "\(coupons)/merchants.csv", "key": "merchant_id", "from": "branches.merchant_id"},
             "cities":    {"path": "\(coupons)/cities.csv",    "key": "city_id",     "from": "branches.city_id"}},
           "customers": {"path": "\(coupons)/customers.csv", "id": "customer_id", "attributes": {"gender": "customers.gender"}},
           "as_of": "2025-01-01",
           "aggregates": {
             "recency_days":  {"recency": "events.claimed_date"},
             "claims":        {"count": "events"},
             "burns":         {"count": "events.burnt_date"},
             "burn_rate":     {"share": "events.status", "equals": "burnt"},
             "merchants":     {"distinct": "merchants.merchant_id"},
             "cities":        {"distinct": "cities.city_id"},
             "claims_90d":    {"count": "events", "window": {"days": 90}},
             "burn_rate_90d": {"share": "events.status", "equals": "burnt", "window": {"days": 90}, "empty": 0},
             "tenure_days":   {"tenure": "events.claimed_date"}}}},
         "feature_sets": {"all": {"columns": ["recency_days", "claims", "burns", "burn_rate", "merchants", "cities",
                                              "claims_90d", "burn_rate_90d", "tenure_days"], "scale": "none"}},
         "algorithms": {"kmeans": {"k": 3}}}
        """)
        try python("coupons", coupons, "pandas.csv")
        try compare(experiment: "coupons.json", reference: "pandas.csv")
        // `assign` on the run's own events, through the recorded lookups, gives back its labels.
        let id = try plannedIDs("coupons.json")[0]
        let a = try seglab("assign", id, "--input", "\(coupons)/transactions.csv", "--out", "assigned.csv", "--ledger", "ledger.sqlite")
        XCTAssertEqual(a.status, 0, a.stderr)
        let assigned = try read("assigned.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
        XCTAssertEqual(assigned, try read("results/coupons-check/\(id)/labels.csv").split(separator: "\n").dropFirst().map(String.init))
    }

    func testSecondShopAggregatesEqualPandas() throws {
        try python("generate", dir.path, "11")
        try write("shop.json", """
        {"name": "shop-check", "seed": 1,
         "data": {"tables": {
           "events": {"path": "events.csv", "customer": "customer", "date": "order_date", "dates": ["delivered_date"],
                      "quantity": "qty", "unit_price": "price"},
           "lookups": {
             "stores":  {"path": "stores.csv",  "key": "store_id",  "from": "events.store", "unmatched": "drop"},
             "regions": {"path": "regions.csv", "key": "region_id", "from": "stores.region_id", "unmatched": "keep"}},
           "customers": {"path": "members.csv", "id": "member_id", "unmatched": "keep",
                         "attributes": {"tier": {"column": "customers.tier", "min_share": 0.05}}},
           "aggregates": {
             "orders":          {"count": "events"},
             "delivered":       {"count": "events.delivered_date"},
             "spend":           {"sum": "events.line_value"},
             "avg_line":        {"mean": "events.line_value"},
             "top_price":       {"max": "events.price"},
             "low_price":       {"min": "events.price"},
             "refund_share":    {"share": "events.status", "equals": "refunded"},
             "delivery_rate":   {"ratio": ["delivered", "orders"]},
             "stores":          {"distinct": "stores.store_id"},
             "per_store":       {"ratio": ["spend", "stores"]},
             "regions":         {"distinct": "regions.region_name"},
             "store_size_mean": {"mean": "stores.store_size", "empty": 0},
             "spend_30d":       {"sum": "events.line_value", "window": {"days": 30}},
             "avg_line_30d":    {"mean": "events.line_value", "window": {"days": 30}, "empty": -1},
             "delivered_60d":   {"count": "events", "window": {"days": 60, "on": "events.delivered_date"}},
             "recency_days":    {"recency": "events.order_date"},
             "tenure_days":     {"tenure": "events.order_date"},
             "last_delivery":   {"recency": "events.delivered_date", "empty": -7}}}},
         "feature_sets": {"all": {"columns": ["orders", "delivered", "spend", "avg_line", "top_price", "low_price", "refund_share",
                                              "delivery_rate", "stores", "per_store", "regions", "store_size_mean", "spend_30d",
                                              "avg_line_30d", "delivered_60d", "recency_days", "tenure_days", "last_delivery"],
                                  "scale": "none"},
                          "tiers": {"columns": ["spend"], "onehot": ["tier"]}},
         "algorithms": {"kmeans": {"k": 3}}}
        """)
        try python("shop", dir.path, "pandas.csv")
        try compare(experiment: "shop.json", reference: "pandas.csv")
        // Rare tiers (platinum, 2 %) share the `other` column; an empty tier is all zeros.
        let sets = try json(try read("results/shop-check/feature_sets.json")) as! [String: Any]
        XCTAssertEqual((sets["tiers"] as! [String: Any])["features"] as? [String],
                       ["spend_scaled", "tier=bronze_scaled", "tier=gold_scaled", "tier=silver_scaled", "tier=other_scaled"])
    }

    // MARK: - Bad input

    /// A small shop: events → branches → merchants.
    func writeSmallShop(branches: String = "branch_id,merchant_id\nb1,m1\nb2,m2\n") throws {
        try write("events.csv", "customer,branch,status,day,note\n"
                  + (0 ..< 12).map { "c\($0 % 4),b\($0 % 2 + 1),\($0 % 3 == 0 ? "burnt" : "claimed"),2024-03-\(String(format: "%02d", $0 + 1)),x" }
                      .joined(separator: "\n") + "\n")
        try write("branches.csv", branches)
        try write("merchants.csv", "merchant_id,name\nm1,One\nm2,Two\n")
    }

    func smallExperiment(branchKey: String = "branch_id", aggregate: String = #""rate": {"share": "events.status", "equals": "burnt"}"#) -> String {
        """
        {"name": "small-tables", "seed": 1,
         "data": {"tables": {
           "events": {"path": "events.csv", "customer": "customer", "date": "day"},
           "lookups": {"branches":  {"path": "branches.csv",  "key": "\(branchKey)", "from": "events.branch"},
                       "merchants": {"path": "merchants.csv", "key": "merchant_id", "from": "branches.merchant_id"}},
           "aggregates": {"claims": {"count": "events"}, "merchants": {"distinct": "merchants.merchant_id"}, \(aggregate)}}},
         "feature_sets": {"f": {"columns": ["claims", "merchants"]}},
         "algorithms": {"kmeans": {"k": 2}}}
        """
    }

    /// Exit 2, one message naming every part of `mustContain`, the ledger's bytes unchanged.
    func expectBadInput(_ mustContain: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let ledger = dir.appendingPathComponent("ledger.sqlite")
        let before = try Data(contentsOf: ledger)
        let r = try seglab("run", "e.json", "--ledger", "ledger.sqlite")
        XCTAssertEqual(r.status, 2, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one message: \(r.stderr)", file: file, line: line)
        for text in mustContain { XCTAssertTrue(r.stderr.contains(text), "'\(text)' not in: \(r.stderr)", file: file, line: line) }
        XCTAssertEqual(try Data(contentsOf: ledger), before, "the ledger changed", file: file, line: line)
    }

    func testBadDeclarationsExitTwoNamingFileAndPlace() throws {
        try writeSmallShop()
        try write("e.json", smallExperiment())
        let good = try seglab("run", "e.json", "--ledger", "ledger.sqlite")
        XCTAssertEqual(good.status, 0, good.stderr)

        try writeSmallShop(branches: "branch_id,merchant_id\nb1,m1\nb2,m2\nb1,m2\n")
        try expectBadInput(["branches.csv", "row 4", "column 'branch_id'", "key 'b1' also appears on row 2"])

        try writeSmallShop()
        try write("e.json", smallExperiment(branchKey: "branch"))
        try expectBadInput(["e.json", "data.tables.lookups.branches.key", "branches.csv has no column 'branch'"])

        try write("e.json", smallExperiment(aggregate: #""recent": {"count": "events", "window": {"days": 30, "on": "events.note"}}"#))
        try expectBadInput(["e.json", "data.tables.aggregates.recent.window.on", "'events.note' is not a date column"])

        try write("e.json", smallExperiment(aggregate: #""rate": {"share": "events.status", "equals": "redeemed"}"#))
        try expectBadInput(["e.json", "data.tables.aggregates.rate.equals", "'redeemed' never occurs in events.status"])
    }
}

/// Product categories on Online Retail: the same categories, names and features with
/// `--jobs 1` and `--jobs 2` (and so on every rerun), shown by `show`.
final class ProductCategoriesTests: CLITestCase {
    func testOnlineRetailCategoriesAreTheSameWithOneAndTwoJobs() throws {
        let data = try SharedFixtures.require("data/online_retail/transactions.csv").path
        let experiment = """
        {"name": "categories", "seed": 20261201,
         "data": {"tables": {
           "events": {"path": "\(data)", "customer": "CustomerID", "date": "InvoiceDate",
                      "quantity": "Quantity", "unit_price": "UnitPrice", "product": "StockCode", "description": "Description"},
           "as_of": "2011-12-10",
           "categories": {"k": 8, "min_products": 10},
           "aggregates": {"orders": {"distinct": "events.InvoiceNo"}}}},
         "feature_sets": {"shares": {"columns": ["orders", "cat_1_share", "cat_2_share", "cat_3_share", "cat_4_share",
                                                 "cat_5_share", "cat_6_share", "cat_7_share", "cat_8_share"]}},
         "algorithms": {"kmeans": {"k": 4}}}
        """
        var outputs: [(categories: String, sets: String, artifacts: [String])] = []
        for jobs in ["1", "2"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(jobs), withIntermediateDirectories: true)
            try write("\(jobs)/e.json", experiment)
            let r = try CLIRunner.run(["run", "e.json", "--jobs", jobs], in: dir.appendingPathComponent(jobs), timeout: 600)
            XCTAssertEqual(r.status, 0, r.stderr)
            let id = (try json(try CLIRunner.run(["plan", "e.json", "--format", "json"], in: dir.appendingPathComponent(jobs)).stdout)
                      as! [[String: Any]])[0]["id"] as! String
            let show = try CLIRunner.run(["show", id, "--format", "json"], in: dir.appendingPathComponent(jobs))
            let shown = try json(show.stdout) as! [String: Any]
            let categories = shown["product_categories"] as! [[String: Any]]
            XCTAssertEqual(categories.map { $0["category"] as! Int }.filter { $0 > 0 }, Array(1 ... 8))
            XCTAssertTrue(categories.allSatisfy { ($0["category"] as! Int) == 0 || !($0["name"] as! String).isEmpty })
            XCTAssertTrue(try CLIRunner.run(["show", id], in: dir.appendingPathComponent(jobs)).stdout.contains("product categories (product_categories.csv)"))
            outputs.append((try read("\(jobs)/results/categories/product_categories.csv"),
                            try read("\(jobs)/results/categories/feature_sets.json"),
                            (shown["artifacts"] as! [[String: Any]]).map { "\($0["name"]!) \($0["sha256"]!)" }))
        }
        XCTAssertTrue(outputs[0].categories.hasPrefix("category,name,product,description,rows,spend\n"))
        XCTAssertEqual(outputs[0].categories, outputs[1].categories)
        XCTAssertEqual(outputs[0].sets, outputs[1].sets)
        XCTAssertEqual(outputs[0].artifacts, outputs[1].artifacts)
    }
}

/// Interest prediction on Online Retail (README "Predicting later customers' segments"): a
/// run on the first 10 months, a run on the whole period, and `predict-check` on the customers
/// of the last 2 months. The figures are the README's; the run is deterministic, so they are
/// compared to 4 decimals.
final class InterestPredictionTests: CLITestCase {
    func testOnlineRetailFirstTenMonthsPredictTheLastTwo() throws {
        let data = try SharedFixtures.require("data/online_retail/transactions.csv").path
        for (name, until) in [("early", #", "until": "2011-10-01""#), ("whole", "")] {
            try write("\(name).json", """
            {"name": "interests-\(name)", "seed": 20261201,
             "data": {"tables": {
               "events": {"path": "\(data)", "customer": "CustomerID", "date": "InvoiceDate", "quantity": "Quantity",
                          "unit_price": "UnitPrice", "product": "StockCode", "description": "Description"\(until)},
               "categories": {"k": 8, "min_products": 10}}},
             "feature_sets": {"interests": {"columns": ["cat_1_share", "cat_2_share", "cat_3_share", "cat_4_share",
                                                        "cat_5_share", "cat_6_share", "cat_7_share", "cat_8_share"], "scale": "none"}},
             "algorithms": {"kmeans": {"k": 4, "n_init": 10}}}
            """)
            let r = try seglab("run", "\(name).json")
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let early = try plannedIDs("early.json")[0], whole = try plannedIDs("whole.json")[0]
        let r = try seglab("predict-check", early, whole, "--format", "json")
        XCTAssertEqual(r.status, 0, r.stderr)
        let v = try json(r.stdout) as! [String: Any]
        print("predict-check: \(v)")
        XCTAssertEqual(v["since"] as? String, "2011-10-01")
        XCTAssertEqual(v["days"] as? Int, 30)
        XCTAssertEqual(v["assigned"] as? Int, 722)
        XCTAssertEqual(v["compared"] as? Int, 722)
        XCTAssertEqual(String(format: "%.4f", v["accuracy"] as! Double), "0.4488")
        XCTAssertEqual(String(format: "%.4f", v["ari"] as! Double), "0.0900")

        // A run without events.until needs --since; a run of another source is refused.
        let bad = try seglab("predict-check", whole, whole)
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--since"), bad.stderr)
    }
}
