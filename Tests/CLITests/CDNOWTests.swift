import Foundation
import XCTest
import SeglabTestSupport

/// `experiments/cdnow.json` on the real CDNOW file (23,502 customers, so the silhouette is
/// taken on a sample of 20,000): grids cut down by the test to stay within seconds.
final class CDNOWTests: CLITestCase {
    /// The shipped experiment with the data path made absolute, `edit`ed.
    func writeCDNOW(_ edit: (inout [String: Any]) -> Void) throws {
        let data = try SharedFixtures.require("data/cdnow/transactions.csv")
        let shipped = try Data(contentsOf: SharedFixtures.packageRoot.appendingPathComponent("experiments/cdnow.json"))
        var e = try JSONSerialization.jsonObject(with: shipped) as! [String: Any]
        var source = e["data"] as! [String: Any]
        var tx = source["transactions_csv"] as! [String: Any]
        tx["path"] = data.path
        source["transactions_csv"] = tx
        e["data"] = source
        edit(&e)
        try JSONSerialization.data(withJSONObject: e, options: [.sortedKeys]).write(to: dir.appendingPathComponent("e.json"))
    }

    /// Labels renumbered by first appearance: equal for the same partition whatever the cluster ids.
    func partition(_ labelsCSV: String) -> [Int] {
        var ids: [Substring: Int] = [:]
        return labelsCSV.split(separator: "\n").dropFirst().map { line in
            let label = line.split(separator: ",")[1]
            if let id = ids[label] { return id }
            ids[label] = ids.count
            return ids.count - 1
        }
    }

    func testRunsWithIdenticalLabelsHaveIdenticalSampledSilhouettes() throws {
        // K-Means with k = 3, random init and 10 inits finds the same partition from several
        // seeds on rfm: replicates 0 and 2 even number the clusters alike.
        try writeCDNOW { e in
            e["feature_sets"] = ["rfm": (e["feature_sets"] as! [String: Any])["rfm"]!]
            e["algorithms"] = ["kmeans": ["k": 3, "init": "random", "n_init": 10]]
            e["replicates"] = 3
        }
        let r = try seglab("run", "e.json")
        XCTAssertEqual(r.status, 0, r.stderr)
        let runs = try json(try seglab("runs", "--format", "json").stdout) as! [[String: Any]]
        XCTAssertEqual(runs.count, 3)
        var seen: [(labels: String, partition: [Int], silhouette: String, id: String)] = []
        var identicalPairs = 0, samePartitionPairs = 0
        for run in runs {
            let id = run["id"] as! String
            let labels = try read("results/cdnow/\(id)/labels.csv")
            let show = try seglab("show", id, "--format", "json").stdout
            XCTAssertTrue(show.contains(#""silhouette_sample_size": 20000"#), "the silhouette is sampled: \(show.prefix(200))")
            // The value as written (shortest round-trip), so equal text is equal bits.
            let silhouette = String(show.components(separatedBy: #""silhouette": "#)[1].prefix { $0 != "," && $0 != "\n" })
            for other in seen where other.partition == partition(labels) {
                samePartitionPairs += 1
                if other.labels == labels { identicalPairs += 1 }
                XCTAssertEqual(silhouette, other.silhouette, "runs \(other.id) and \(id) have the same partition")
            }
            seen.append((labels, partition(labels), silhouette, id))
        }
        XCTAssertGreaterThanOrEqual(identicalPairs, 1, "the check needs two runs with identical labels.csv: pick another grid")
        XCTAssertGreaterThanOrEqual(samePartitionPairs, identicalPairs)
    }

    func testTheDefaultFeatureSetLeavesOutProductsAndReturns() throws {
        try writeCDNOW { e in
            e.removeValue(forKey: "feature_sets")
            e["algorithms"] = ["kmeans": ["k": 4]]
        }
        let v = try seglab("validate", "e.json")
        XCTAssertEqual(v.status, 0, v.stderr)
        XCTAssertTrue(v.stdout.contains("all (23502 customers × 6 features; left out: "
            + "distinct_products: the data has no product column (transactions_csv.product is not set); "
            + "return_rate: constant over all 23502 customers after cleaning (every value is 0.0))"), v.stdout)
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let report = try json(try read("results/cdnow/data_report.json")) as! [String: Any]
        let leftOut = ((report["feature_sets"] as! [String: Any])["all"] as! [String: Any])["left_out"] as! [[String: String]]
        XCTAssertEqual(leftOut.map { $0["feature"]! }, ["distinct_products", "return_rate"])
        let id = (try json(try seglab("runs", "--format", "json").stdout) as! [[String: Any]])[0]["id"] as! String
        let header = try read("results/cdnow/\(id)/profile.csv").split(separator: "\n")[0]
        XCTAssertTrue(header.hasPrefix("cluster,size,share,recency_days,frequency,monetary,tenure_days,avg_basket,days_between_orders,revenue_share,"), String(header))
        XCTAssertTrue(header.hasSuffix(",days_between_orders_z,segment_name,action"), String(header))

        // The cleaned customers, unscaled, give the run's labels back through assign.
        XCTAssertEqual(try seglab("features", "e.json", "--set", "all", "--raw", "--out", "customers.csv").status, 0)
        XCTAssertEqual(try seglab("assign", id, "--input", "customers.csv", "--out", "segments.csv").status, 0)
        XCTAssertEqual(try read("segments.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") },
                       try read("results/cdnow/\(id)/labels.csv").split(separator: "\n").dropFirst().map(String.init))
    }
}
