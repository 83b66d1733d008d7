import Foundation
import XCTest
import SeglabTestSupport

final class LeaderboardCommandTests: CLITestCase {
    /// Two blobs in (x, y); two customers far out in z only. With z, k = 2 isolates those two
    /// customers (a 1.6 % cluster); without z, k = 2 splits the blobs.
    func writeBlobs() throws {
        var csv = "id,x,y,z,seg\n"
        var state: UInt64 = 12345
        func jitter() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) - 0.5 }
        for i in 0 ..< 122 {
            let blob = i % 2 == 0 ? 0.0 : 10.0
            let z = i < 2 ? 1000.0 : 0.0
            csv += "c\(i),\(blob + jitter()),\(blob + jitter()),\(z),\(i % 2)\n"
        }
        try write("blobs.csv", csv)
        try write("e.json", """
        {"name": "blobs", "seed": 3,
         "data": {"customers_csv": {"path": "blobs.csv", "id": "id", "truth": "seg"}},
         "feature_sets": {"xy": {"columns": ["x", "y"], "scale": "none"}, "xyz": {"columns": ["x", "y", "z"], "scale": "none"}},
         "algorithms": {"kmeans": {"k": 2}}}
        """)
    }

    func testJSONIsValidAndMinClusterShareDropsTinyClusters() throws {
        try writeBlobs()
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let all = try seglab("leaderboard", "--format", "json")
        XCTAssertEqual(all.status, 0, all.stderr)
        let rows = try json(all.stdout) as! [[String: Any]]
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows.map { $0["rank"] as! Int }, [1, 2])
        let filtered = try json(try seglab("leaderboard", "--format", "json", "--min-cluster-share", "0.05").stdout) as! [[String: Any]]
        XCTAssertEqual(filtered.count, 1)
        XCTAssertEqual(filtered[0]["feature_set"] as? String, "xy")
        XCTAssertGreaterThanOrEqual(filtered[0]["min_cluster_share"] as! Double, 0.05)
    }

    func testRankingFollowsTheMetricsDirection() throws {
        try writeBlobs()
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let byDB = try json(try seglab("leaderboard", "--metric", "davies_bouldin", "--format", "json").stdout) as! [[String: Any]]
        let values = byDB.map { $0["davies_bouldin"] as! Double }
        XCTAssertEqual(values, values.sorted(), "lower Davies–Bouldin ranks first")
        let bySil = try json(try seglab("leaderboard", "--format", "json").stdout) as! [[String: Any]]
        let sil = bySil.map { $0["silhouette"] as! Double }
        XCTAssertEqual(sil, sil.sorted(by: >), "higher silhouette ranks first")
        for format in ["table", "csv", "markdown"] {
            let r = try seglab("leaderboard", "--format", format, "--top", "1", "--experiment", "blobs")
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("kmeans"), r.stdout)
        }
        let csv = try seglab("leaderboard", "--format", "csv").stdout.split(separator: "\n")
        XCTAssertEqual(csv.count, 3)
        XCTAssertTrue(csv[0].hasPrefix("rank,run_id,experiment,feature_set,algorithm,params,silhouette"), String(csv[0]))
        XCTAssertEqual(try seglab("leaderboard", "--metric", "charm").status, 2)
        XCTAssertEqual(try seglab("leaderboard", "--ledger", "missing.sqlite").status, 2)
    }
}
