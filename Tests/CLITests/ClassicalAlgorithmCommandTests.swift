import Foundation
import XCTest
import SeglabTestSupport

/// BIRCH, DBSCAN and agglomerative clustering through the real binary: every run recorded,
/// artifacts independent of `--jobs`, `rerun --verify`, and `assign` with each model. (The
/// small version of `experiments/every_algorithm_100k.json`.)
final class ClassicalAlgorithmCommandTests: CLITestCase {
    private func plannedIDs(_ file: String) throws -> [(id: String, algorithm: String, params: [String: Any])] {
        (try json(try seglab("plan", file, "--format", "json").stdout) as! [[String: Any]]).map {
            ($0["id"] as! String, $0["algorithm"] as! String, $0["params"] as! [String: Any])
        }
    }

    private func show(_ id: String, ledger: String) throws -> [String: Any] {
        try json(try seglab("show", id, "--ledger", ledger, "--format", "json").stdout) as! [String: Any]
    }

    private func artifactHashes(_ show: [String: Any]) -> [String] {
        (show["artifacts"] as! [[String: Any]]).map { "\($0["name"]!)=\($0["sha256"]!)" }
    }

    func testGridOfEveryClassicalAlgorithmIsReproducible() throws {
        try write("e.json", """
        {"name": "classic", "seed": 3,
         "data": {"synthetic": {"customers": 500, "segments": 3, "seed": 5}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]}},
         "algorithms": {"kmeans": {"k": 3},
                        "birch": {"k": [null, 3], "threshold": [0.4, 0.8]},
                        "dbscan": {"eps": [0.25, 0.5], "min_samples": 8},
                        "agglomerative": {"k": [2, 4], "linkage": ["ward", "complete", "average", "single"]}}}
        """)
        let runs = try plannedIDs("e.json")
        XCTAssertEqual(runs.count, 1 + 4 + 2 + 8)
        XCTAssertTrue(runs.contains { $0.algorithm == "birch" && $0.params["k"] is NSNull })
        let one = try seglab("run", "e.json", "--jobs", "1", "--ledger", "one.sqlite", "--results", "r1")
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertTrue(one.stderr.contains("15 completed"), one.stderr)
        XCTAssertEqual(try seglab("run", "e.json", "--jobs", "2", "--ledger", "two.sqlite", "--results", "r2").status, 0)
        for run in runs {
            let show = try show(run.id, ledger: "one.sqlite")
            XCTAssertEqual(artifactHashes(show).count, 4)
            XCTAssertEqual(artifactHashes(show), artifactHashes(try self.show(run.id, ledger: "two.sqlite")), "\(run.algorithm) \(run.params)")
            let verify = try seglab("rerun", run.id, "--verify", "--ledger", "one.sqlite")
            XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
            XCTAssertFalse(verify.stdout.contains("different"), verify.stdout)

            let metrics = show["metrics"] as! [String: Any]
            XCTAssertNotNil(metrics["noise_fraction"])
            let clusters = (show["clusters"] as! [[String: Any]]).map { $0["cluster"] as! Int }
            switch run.algorithm {
            case "birch":
                XCTAssertNotNil(metrics["n_subclusters"] as? Double)
                if let k = run.params["k"] as? Int { XCTAssertLessThanOrEqual(clusters.count, k) }
            case "dbscan":
                // Noise is cluster -1 in the ledger, and its share is the noise fraction.
                XCTAssertEqual(clusters.contains(-1), (metrics["noise_fraction"] as! Double) > 0)
            default:
                XCTAssertEqual(clusters, Array(0 ..< (run.params["k"] as! Int)))
            }
        }
    }

    /// complete and average linkage hold n(n−1)/2 distances: on 200,000 customers (149 GiB)
    /// they are refused before the grid starts, with the estimate and the advice; nothing is
    /// fitted, so this takes seconds.
    func testCompleteLinkageOnTwoHundredThousandCustomersIsRefusedUpFront() throws {
        try write("e.json", """
        {"name": "big", "seed": 1, "data": {"synthetic": {"customers": 200000, "segments": 3, "seed": 2}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"]}},
         "algorithms": {"agglomerative": {"k": 3, "linkage": ["complete", "average"]}}}
        """)
        let r = try seglab("run", "e.json")
        XCTAssertEqual(r.status, 1, r.stderr)
        for run in try plannedIDs("e.json") {
            let show = try json(try seglab("show", run.id, "--format", "json").stdout) as! [String: Any]
            XCTAssertEqual(show["status"] as? String, "failed")
            let reason = show["error"] as? String ?? ""
            XCTAssertTrue(reason.hasPrefix("refused before starting: agglomerative on 200000 × 3 needs an estimated 149.0 GiB of memory"), reason)
            XCTAssertTrue(reason.hasSuffix("; use linkage ward or single (O(n) memory), birch, or a smaller sample"), reason)
        }
    }

    /// 3 blobs of 40 customers and 2 far outliers. `assign` on the training customers gives
    /// BIRCH's labels exactly and DBSCAN's for every core point (here every blob customer; the
    /// outliers stay noise); agglomerative's nearest centroid agrees on separated blobs.
    func testAssignWithEachModel() throws {
        var csv = "id,x,y\n"
        for i in 0 ..< 120 {
            let c = Double(i % 3) * 10
            csv += "c\(i),\(c + Double(i % 7) * 0.1),\(c - Double(i % 5) * 0.1)\n"
        }
        csv += "far1,50,-40\nfar2,-30,60\n"
        try write("train.csv", csv)
        try write("e.json", """
        {"name": "assign", "seed": 9, "data": {"customers_csv": {"path": "train.csv", "id": "id"}},
         "feature_sets": {"xy": {"columns": ["x", "y"], "scale": "none"}},
         "algorithms": {"birch": {"k": 3, "threshold": 0.3}, "dbscan": {"eps": 1.0, "min_samples": 5},
                        "agglomerative": {"k": 3, "linkage": "average"}}}
        """)
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        for run in try plannedIDs("e.json") {
            let r = try seglab("assign", run.id, "--input", "train.csv", "--out", "\(run.algorithm).csv")
            XCTAssertEqual(r.status, 0, r.stderr)
            let assigned = try read("\(run.algorithm).csv").split(separator: "\n")
            XCTAssertEqual(assigned.first, "customer_id,cluster,segment_name,distance")
            let trained = try read("results/assign/\(run.id)/labels.csv").split(separator: "\n").dropFirst().map(String.init)
            let pairs = assigned.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
            switch run.algorithm {
            case "dbscan":
                XCTAssertEqual(pairs, trained)
                XCTAssertTrue(trained.suffix(2).allSatisfy { $0.hasSuffix(",-1") }, "\(trained.suffix(2))")
                // The outliers' distance is to the nearest core point, beyond eps.
                XCTAssertTrue(assigned.suffix(2).allSatisfy { Double($0.split(separator: ",")[3])! > 1 })
            default:
                XCTAssertEqual(pairs, trained, run.algorithm)
            }
            let model = try json(try read("results/assign/\(run.id)/model.json")) as! [String: Any]
            XCTAssertNotNil((model["model"] as! [String: Any])["rule"], "model.json states the predict rule")
        }
    }
}
