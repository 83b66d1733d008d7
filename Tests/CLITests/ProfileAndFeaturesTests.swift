import Foundation
import XCTest
import SeglabTestSupport

/// What a run says about its segments (`show`, `profile.csv`, the data report) and the
/// customer tables `features` writes.
final class ProfileAndFeaturesTests: CLITestCase {
    func runID(_ file: String, _ index: Int = 0) throws -> String {
        (try json(try seglab("plan", file, "--format", "json").stdout) as! [[String: Any]])[index]["id"] as! String
    }

    /// Significant digits of a number's text (`48.2139` → 6, `1234570.0` → 6, `0.00220539` → 6).
    func significantDigits(_ text: String) -> Int {
        let mantissa = text.split(separator: "e")[0]
        var digits = mantissa.filter(\.isNumber).drop { $0 == "0" }
        if mantissa.contains(".") { while digits.last == "0" { digits.removeLast() } }
        return digits.count
    }

    func testShowPrintsTheProfileAndProfileCSVHasSixSignificantDigits() throws {
        try write("e.json", syntheticExperiment(k: "3"))
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let id = try runID("e.json")
        let profile = try read("results/small/\(id)/profile.csv").split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        // SPEC §5's columns first (the means under the features' own names), then what came since.
        let features = ["recency_days", "frequency", "monetary", "tenure_days", "avg_basket", "distinct_products", "return_rate",
                        "days_between_orders"]
        XCTAssertEqual(profile[0], ["cluster", "size", "share"] + features + ["revenue_share"] + features.map { $0 + "_median" }
                       + features.map { $0 + "_z" } + ["segment_name", "action"])
        XCTAssertEqual(profile.count, 4)
        for row in profile.dropFirst() {
            XCTAssertNotNil(Int(row[0])); XCTAssertNotNil(Int(row[1]))
            for cell in row.dropFirst(2) { XCTAssertLessThanOrEqual(significantDigits(cell), 6, cell) }
        }
        XCTAssertTrue(profile.dropFirst().flatMap { $0.dropFirst(3) }.contains { significantDigits($0) == 6 }, "means are rounded, not truncated to fewer digits")

        let table = try seglab("show", id)
        XCTAssertEqual(table.status, 0, table.stderr)
        let shown = table.stdout.components(separatedBy: "\nprofile (")[1].split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(shown[1], ["cluster", "0", "1", "2"])
        XCTAssertEqual(shown[3].first, "size")
        XCTAssertEqual(shown[3].dropFirst().compactMap { Int($0) }.reduce(0, +), 600)
        XCTAssertEqual(shown[6], ["frequency"] + profile.dropFirst().map { String(format: "%g", Double($0[4])!) })

        let show = try json(try seglab("show", id, "--format", "json").stdout) as! [String: Any]
        let clusters = show["profile"] as! [[String: Any]]
        XCTAssertEqual(clusters.map { $0["cluster"] as! Int }, [0, 1, 2])
        XCTAssertEqual(clusters.map { $0["size"] as! Int }, (show["clusters"] as! [[String: Any]]).map { $0["size"] as! Int })
        XCTAssertEqual(clusters[0]["monetary"] as? Double, Double(profile[1][5]))
    }

    func testScaledColumnsSayWhatWasDoneAndRawColumnsRoundTripThroughAssign() throws {
        try write("e.json", """
        {"name": "raw", "seed": 4, "data": {"synthetic": {"customers": 400, "segments": 3, "seed": 5}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"], "scale": "robust"},
                          "plain": {"columns": ["recency_days", "frequency"], "log1p": ["frequency"], "scale": "none"}},
         "algorithms": {"kmeans": {"k": 3}}}
        """)
        XCTAssertEqual(try seglab("features", "e.json", "--set", "rfm", "--out", "m.csv").status, 0)
        XCTAssertTrue(try read("m.csv").hasPrefix("customer_id,recency_days_scaled,frequency_log1p_scaled,monetary_log1p_scaled\nc000001,"))
        XCTAssertEqual(try seglab("features", "e.json", "--set", "plain", "--out", "p.csv").status, 0)
        XCTAssertTrue(try read("p.csv").hasPrefix("customer_id,recency_days,frequency_log1p\n"))

        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let id = try runID("e.json")
        let r = try seglab("features", "e.json", "--set", "rfm", "--raw", "--out", "customers.csv")
        XCTAssertEqual(r.status, 0, r.stderr)
        let raw = try read("customers.csv").split(separator: "\n")
        XCTAssertEqual(raw[0], "customer_id,recency_days,frequency,monetary,tenure_days,avg_basket,distinct_products,return_rate,days_between_orders")
        XCTAssertEqual(raw.count, 401)
        XCTAssertEqual(try seglab("assign", id, "--input", "customers.csv", "--out", "segments.csv").status, 0)
        XCTAssertEqual(try read("segments.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") },
                       try read("results/raw/\(id)/labels.csv").split(separator: "\n").dropFirst().map(String.init))
    }

    /// 40 customers of an order export without a product column and without returns: 1 to 5
    /// orders each, at customer-specific intervals and amounts.
    func writeOrders() throws {
        var csv = "customer,day,qty,amount\n"
        for i in 0 ..< 40 {
            for j in 0 ..< (i % 5 + 1) {
                let d = (i * 3 + j * (i % 7 + 2) * 4) % 300
                csv += "k\(i),2020-\(String(format: "%02d", d / 28 + 1))-\(String(format: "%02d", d % 28 + 1)),\(1 + j % 2),\(10 + (i * 37) % 50 + j).5\n"
            }
        }
        try write("orders.csv", csv)
        try write("e.json", """
        {"name": "orders", "seed": 2,
         "data": {"transactions_csv": {"path": "orders.csv", "customer": "customer", "date": "day", "quantity": "qty", "amount": "amount"}},
         "clean": {"outliers": {"method": "iqr", "factor": 1.0, "action": "clip"}},
         "algorithms": {"kmeans": {"k": 2}}}
        """)
    }

    func testTheDefaultFeatureSetLeavesOutWhatTheDataDoesNotHaveAndSaysWhy() throws {
        try writeOrders()
        let v = try seglab("validate", "e.json")
        XCTAssertEqual(v.status, 0, v.stderr)
        XCTAssertTrue(v.stdout.contains("all (40 customers × 6 features; left out: distinct_products: the data has no product column"), v.stdout)
        XCTAssertTrue(v.stdout.contains("return_rate: constant over all 40 customers after cleaning (every value is 0.0))"), v.stdout)
        XCTAssertEqual(try seglab("run", "e.json").status, 0)

        let report = try json(try read("results/orders/data_report.json")) as! [String: Any]
        let all = (report["feature_sets"] as! [String: Any])["all"] as! [String: Any]
        XCTAssertEqual((all["left_out"] as! [[String: Any]]).map { $0["feature"] as! String }, ["distinct_products", "return_rate"])
        XCTAssertEqual((all["steps"] as! [[String: Any]]).first.map { Set($0.keys) }, ["step", "rows_in", "rows_out", "detail"])
        XCTAssertFalse(try read("results/orders/data_report.json").contains("rowsIn"))
        let sets = try json(try read("results/orders/feature_sets.json")) as! [String: Any]
        XCTAssertEqual((sets["all"] as! [String: Any])["columns"] as? [String],
                       ["recency_days", "frequency", "monetary", "tenure_days", "avg_basket", "days_between_orders"])

        let id = try runID("e.json")
        XCTAssertTrue(try read("results/orders/\(id)/profile.csv").split(separator: "\n")[0].hasPrefix(
                       "cluster,size,share,recency_days,frequency,monetary,tenure_days,avg_basket,days_between_orders,revenue_share,"))
        let show = try seglab("show", id).stdout
        XCTAssertTrue(show.contains("left out of the feature set:\n  distinct_products: the data has no product column"), show)
        XCTAssertTrue(show.contains("\nstep                 rows_in  rows_out"), show)
        XCTAssertEqual(try seglab("rerun", id, "--verify").status, 0, "a default set is rebuilt from its resolved columns")

        // The aggregated customers, written unscaled, are what assign reads for an order-export run.
        XCTAssertEqual(try seglab("features", "e.json", "--set", "all", "--raw", "--out", "customers.csv").status, 0)
        XCTAssertTrue(try read("customers.csv").hasPrefix("customer_id,recency_days,frequency,monetary,tenure_days,avg_basket,days_between_orders\nk0,"))
        let a = try seglab("assign", id, "--input", "customers.csv", "--out", "segments.csv")
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(try read("segments.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") },
                       try read("results/orders/\(id)/labels.csv").split(separator: "\n").dropFirst().map(String.init))
        // The order export itself still works as input.
        XCTAssertEqual(try seglab("assign", id, "--input", "orders.csv", "--out", "again.csv").status, 0)
        XCTAssertEqual(try read("again.csv"), try read("segments.csv"))
    }

    func testRunHelpStatesOneDefaultForJobs() throws {
        let help = try seglab("run", "--help").stdout
        let jobs = help.components(separatedBy: "--jobs <jobs>").last!.components(separatedBy: "--force")[0]
        XCTAssertEqual(jobs.components(separatedBy: "default").count - 1, 1, jobs)
    }
}
