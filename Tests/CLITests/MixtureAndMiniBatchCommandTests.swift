import Foundation
import XCTest
import SeglabClustering
import SeglabTestSupport

/// `gmm` and `minibatch_kmeans` through the real binary: assign, leaderboard by BIC,
/// reproducibility across job counts and reruns, a failed fit, and `seglab algorithms`.
final class MixtureAndMiniBatchCommandTests: CLITestCase {
    /// `blobs.csv`: `rows` customers in three elongated, tilted blobs in (x, y) (rows cycle
    /// through them), with the blob as `seg`; deterministic noise from a fixed LCG.
    func writeBlobs(rows: Int = 450) throws {
        var state: UInt64 = 2024
        func noise() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        var csv = "id,x,y,seg\n"
        for i in 0 ..< rows {
            let a = noise() * 4, b = noise()
            let (x, y): (Double, Double)
            switch i % 3 {
            case 0: (x, y) = (a, 0.5 * a + b)
            case 1: (x, y) = (12 + b, 6 + a)
            default: (x, y) = (-8 + a, 10 - a + 0.3 * b)
            }
            csv += "c\(i),\(x),\(y),\(i % 3)\n"
        }
        try write("blobs.csv", csv)
    }

    func experiment(_ algorithms: String, name: String = "mix", data: String? = nil) -> String {
        """
        {"name": "\(name)", "seed": 17,
         "data": \(data ?? #"{"customers_csv": {"path": "blobs.csv", "id": "id", "truth": "seg"}}"#),
         "feature_sets": {"xy": {"columns": ["x", "y"], "scale": "standard"}},
         "algorithms": {\(algorithms)}}
        """
    }

    func planIDs(_ file: String) throws -> [(id: String, algorithm: String)] {
        (try json(try seglab("plan", file, "--format", "json").stdout) as! [[String: Any]]).map {
            ($0["id"] as! String, $0["algorithm"] as! String)
        }
    }

    func testAssigningTheTrainingCustomersReproducesTheirLabels() throws {
        try writeBlobs()
        try write("e.json", experiment(#""gmm": {"k": 3, "covariance": ["full", "spherical"]}, "minibatch_kmeans": {"k": 3, "batch_size": 64}"#))
        let run = try seglab("run", "e.json")
        XCTAssertEqual(run.status, 0, run.stderr)
        for (id, algorithm) in try planIDs("e.json") {
            let r = try seglab("assign", id, "--input", "blobs.csv", "--out", "again_\(id).csv")
            XCTAssertEqual(r.status, 0, r.stderr)
            let again = try read("again_\(id).csv").split(separator: "\n")
            let trained = try read("results/mix/\(id)/labels.csv").split(separator: "\n").dropFirst().map(String.init)
            XCTAssertEqual(again.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") }, trained, "\(algorithm) \(id)")
            let scores = again.dropFirst().map { Double($0.split(separator: ",")[3])! }
            if algorithm == "gmm" {
                // The posterior probability of the chosen component: at least 1/k, at most 1.
                XCTAssertEqual(again.first, "customer_id,cluster,segment_name,probability")
                XCTAssertTrue(scores.allSatisfy { $0 >= 1.0 / 3 && $0 <= 1 }, id)
            } else {
                XCTAssertEqual(again.first, "customer_id,cluster,segment_name,distance")
                XCTAssertTrue(scores.allSatisfy { $0 >= 0 }, id)
            }
        }
    }

    func testLeaderboardRanksGaussianMixturesByBICLowestFirst() throws {
        try writeBlobs()
        try write("e.json", experiment(#""gmm": {"k": {"from": 2, "to": 4}, "covariance": ["full", "tied", "diag", "spherical"]}, "kmeans": {"k": 3}"#))
        XCTAssertEqual(try seglab("run", "e.json", "--jobs", "2").status, 0)
        let r = try seglab("leaderboard", "--algorithm", "gmm", "--metric", "bic", "--format", "json")
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try json(r.stdout) as! [[String: Any]]
        XCTAssertEqual(rows.count, 12)
        XCTAssertTrue(rows.allSatisfy { $0["algorithm"] as? String == "gmm" })
        let bic = rows.map { $0["bic"] as! Double }
        XCTAssertEqual(bic, bic.sorted(), "lower BIC ranks first")
        // The recorded BIC is scikit-learn's formula of the recorded log-likelihood: −2 n ℓ + p ln n.
        let best = try json(try seglab("show", rows[0]["run_id"] as! String, "--format", "json").stdout) as! [String: Any]
        let metrics = best["metrics"] as! [String: Any]
        let params = (best["run"] as? [String: Any])?["params"] as? [String: Any] ?? rows[0]["params"] as! [String: Any]
        let k = params["k"] as! Int, n = 450.0
        let p = Double(CovarianceType(rawValue: params["covariance"] as! String)!.parameterCount(components: k, dims: 2))
        let ll = metrics["log_likelihood"] as! Double
        XCTAssertEqual(metrics["bic"] as! Double, -2 * ll * n + p * log(n), accuracy: 1e-9 * abs(metrics["bic"] as! Double))
        XCTAssertEqual(metrics["converged"] as? Double, 1)
        XCTAssertGreaterThan(metrics["n_iter"] as! Double, 0)
        let table = try seglab("leaderboard", "--algorithm", "gmm", "--metric", "bic")
        XCTAssertTrue(table.stderr.contains("ranked by bic (lower is better)"), table.stderr)
    }

    /// More rows than one parallel chunk (8,192), so the fixed-chunk sums are exercised.
    func testJobCountAndRerunNeverChangeAnArtifact() throws {
        try write("e.json", experiment(#""gmm": {"k": 3, "covariance": ["full", "diag"]}, "minibatch_kmeans": {"k": [3, 4]}"#, name: "repro",
                                       data: #"{"synthetic": {"customers": 12000, "segments": 3, "seed": 5}}"#)
            .replacingOccurrences(of: #""columns": ["x", "y"], "scale": "standard""#,
                                  with: #""columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]"#))
        XCTAssertEqual(try seglab("run", "e.json", "--jobs", "1", "--ledger", "one.sqlite", "--results", "r1").status, 0)
        XCTAssertEqual(try seglab("run", "e.json", "--jobs", "2", "--ledger", "two.sqlite", "--results", "r2").status, 0)
        let ids = try planIDs("e.json")
        XCTAssertEqual(ids.count, 4)
        for (id, algorithm) in ids {
            let a = try json(try seglab("show", id, "--ledger", "one.sqlite", "--format", "json").stdout) as! [String: Any]
            let b = try json(try seglab("show", id, "--ledger", "two.sqlite", "--format", "json").stdout) as! [String: Any]
            let hashes = { (d: [String: Any]) in (d["artifacts"] as! [[String: Any]]).map { "\($0["name"]!)=\($0["sha256"]!)" } }
            XCTAssertEqual(hashes(a).count, 4)
            XCTAssertEqual(hashes(a), hashes(b), "\(algorithm) \(id)")
            let verify = try seglab("rerun", id, "--verify", "--ledger", "two.sqlite")
            XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
            XCTAssertEqual(verify.stdout, "labels.csv: identical\nmodel.json: identical\nprofile.csv: identical\nrun.json: identical\n")
        }
    }

    func testAFitThatCannotGoOnIsAFailedRunWithItsReason() throws {
        // 40 customers at one point and 40 spread out: with reg_covar 0 the first component's
        // covariance is zero, which has no Cholesky factor.
        var csv = "id,x,y\n"
        for i in 0 ..< 40 { csv += "same\(i),1,1\n" }
        for i in 0 ..< 40 { csv += "far\(i),\(20 + Double(i % 7)),\(30 - Double(i % 5) * 1.5)\n" }
        try write("blobs.csv", csv)
        try write("e.json", experiment(#""gmm": {"k": 2, "reg_covar": [0, 1e-6]}"#, data: #"{"customers_csv": {"path": "blobs.csv", "id": "id"}}"#)
            .replacingOccurrences(of: #""scale": "standard""#, with: #""scale": "none""#))
        let run = try seglab("run", "e.json")
        XCTAssertEqual(run.status, 1, "a failed run makes the exit code 1")
        XCTAssertTrue(run.stderr.contains("1 completed, 1 failed"), run.stderr)
        let ids = try planIDs("e.json")
        let failed = try json(try seglab("show", ids[0].id, "--format", "json").stdout) as! [String: Any]
        let record = failed["run"] as? [String: Any] ?? failed
        XCTAssertEqual(record["status"] as? String, "failed")
        XCTAssertTrue((record["error"] as? String ?? "").contains("not positive definite even with reg_covar = 0"), "\(record)")
        let ok = try json(try seglab("show", ids[1].id, "--format", "json").stdout) as! [String: Any]
        XCTAssertEqual((ok["run"] as? [String: Any] ?? ok)["status"] as? String, "completed")
    }

    func testAlgorithmsListsEveryRegisteredAlgorithmAndParameter() throws {
        let r = try seglab("algorithms", "--format", "json")
        XCTAssertEqual(r.status, 0, r.stderr)
        let listed = try json(r.stdout) as! [[String: Any]]
        XCTAssertEqual(listed.map { $0["name"] as! String }, AlgorithmRegistry.all.map { $0.name })
        for (entry, algorithm) in zip(listed, AlgorithmRegistry.all) {
            XCTAssertEqual(entry["summary"] as? String, algorithm.summary)
            let params = entry["parameters"] as! [[String: Any]]
            XCTAssertEqual(params.map { $0["name"] as! String }, algorithm.parameters.map(\.name))
            for (p, spec) in zip(params, algorithm.parameters) {
                XCTAssertEqual(p["type"] as? String, spec.typeName)
                XCTAssertEqual(p["required"] as? Bool, spec.isRequired)
                XCTAssertEqual(p["nullable"] as? Bool, spec.nullable)
                XCTAssertEqual(p["help"] as? String, spec.help)
                XCTAssertFalse((p["default_text"] as! String).isEmpty)
            }
        }
        let gmm = listed.first { $0["name"] as? String == "gmm" }!["parameters"] as! [[String: Any]]
        let covariance = gmm.first { $0["name"] as? String == "covariance" }!
        XCTAssertEqual(covariance["choices"] as? [String], ["full", "tied", "diag", "spherical"])
        XCTAssertEqual(covariance["default"] as? String, "full")
        let tol = gmm.first { $0["name"] as? String == "tol" }!
        XCTAssertEqual(tol["default"] as? Double, 1e-3)
        XCTAssertTrue(tol["max"] is NSNull, "an unbounded range has max null")
        let mbk = listed.first { $0["name"] as? String == "minibatch_kmeans" }!["parameters"] as! [[String: Any]]
        let nInit = mbk.first { $0["name"] as? String == "n_init" }!
        XCTAssertTrue(nInit["default"] is NSNull)
        XCTAssertEqual(nInit["default_text"] as? String, "1 for k-means++, 3 for random (scikit-learn's \"auto\")")

        let table = try seglab("algorithms")
        XCTAssertEqual(table.status, 0, table.stderr)
        for algorithm in AlgorithmRegistry.all {
            XCTAssertTrue(table.stdout.contains("\(algorithm.name): \(algorithm.summary)"), algorithm.name)
            for spec in algorithm.parameters { XCTAssertTrue(table.stdout.contains(spec.help), spec.name) }
        }
        XCTAssertEqual(try seglab("algorithms", "--format", "xml").status, 2)
    }
}
