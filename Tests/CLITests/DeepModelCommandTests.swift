import Foundation
import XCTest
import SeglabTestSupport

/// `ae_kmeans` and `dec` through the real binary: grid, ledger, artifacts, rerun, show, assign.
final class DeepModelCommandTests: CLITestCase {
    /// 300 customers with 4 features in three groups, and the group as `seg`.
    func writeCustomers() throws {
        var csv = "id,a,b,c,d,seg\n"
        for i in 0 ..< 300 {
            let g = Double(i % 3)
            let wobble = { (m: Int) in Double((i * 7919 + m * 104_729) % 97) / 97 - 0.5 }
            csv += "c\(i),\(g * 3 + wobble(1)),\(10 - g * 2 + wobble(2)),\(g * g + wobble(3)),\(wobble(4)),\(i % 3)\n"
        }
        try write("customers.csv", csv)
    }

    let experiment = """
    {"name": "deep", "seed": 3, "data": {"customers_csv": {"path": "customers.csv", "id": "id", "truth": "seg"}},
     "algorithms": {"ae_kmeans": {"k": [2, 3], "hidden": [[16, 8]], "epochs": 4, "batch_size": 64},
                    "dec": {"k": 3, "hidden": [16, 8], "pretrain_epochs": 3, "epochs": 3, "batch_size": 64}}}
    """

    private func runIDs() throws -> [(id: String, algorithm: String)] {
        (try json(try seglab("plan", "e.json", "--format", "json").stdout) as! [[String: Any]])
            .map { ($0["id"] as! String, $0["algorithm"] as! String) }
    }

    func testDeepRunsAreReproducibleWhateverTheJobCount() throws {
        try writeCustomers()
        try write("e.json", experiment)
        let one = try seglab("run", "e.json", "--jobs", "1", "--ledger", "one.sqlite", "--results", "r1")
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertEqual(try seglab("run", "e.json", "--jobs", "2", "--ledger", "two.sqlite", "--results", "r2").status, 0)
        let runs = try runIDs()
        XCTAssertEqual(runs.map(\.algorithm), ["ae_kmeans", "ae_kmeans", "dec"])
        for (id, _) in runs {
            let a = try json(try seglab("show", id, "--ledger", "one.sqlite", "--format", "json").stdout) as! [String: Any]
            let b = try json(try seglab("show", id, "--ledger", "two.sqlite", "--format", "json").stdout) as! [String: Any]
            let hashes = { (d: [String: Any]) in (d["artifacts"] as! [[String: Any]]).map { "\($0["name"]!)=\($0["sha256"]!)" } }
            XCTAssertEqual(hashes(a).count, 5)
            XCTAssertEqual(hashes(a), hashes(b), "run \(id)")
            let metrics = { (d: [String: Any]) in (d["metrics"] as! [String: Any]).filter { $0.key != "fit_seconds" }.mapValues { "\($0)" } }
            XCTAssertEqual(metrics(a), metrics(b), "run \(id)")
            let verify = try seglab("rerun", id, "--verify", "--ledger", "two.sqlite")
            XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
            XCTAssertEqual(verify.stdout, "labels.csv: identical\nmodel.json: identical\nprofile.csv: identical\nrun.json: identical\nloss.csv: identical\n")
        }
    }

    func testShowReportsLatentMetricsBalanceAndTheLossCurve() throws {
        try writeCustomers()
        try write("e.json", experiment)
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        for (id, algorithm) in try runIDs() {
            let show = try json(try seglab("show", id, "--format", "json").stdout) as! [String: Any]
            let metrics = show["metrics"] as! [String: Any]
            for name in ["silhouette", "davies_bouldin", "calinski_harabasz", "inertia", "silhouette_latent",
                         "davies_bouldin_latent", "calinski_harabasz_latent", "inertia_latent", "reconstruction_loss",
                         "min_cluster_share", "max_cluster_share", "balance_entropy", "ari", "n_iter"] {
                XCTAssertTrue(metrics[name] is Double, "\(algorithm) \(name) missing")
            }
            XCTAssertEqual(metrics["converged"] != nil, algorithm == "dec")
            let training = show["training"] as! [[String: Any]]
            let stages = training.map { $0["stage"] as! String }
            XCTAssertEqual(stages.filter { $0 == "autoencoder" }.count, algorithm == "dec" ? 3 : 4)
            XCTAssertEqual(stages.contains("dec"), algorithm == "dec")
            let table = try seglab("show", id)
            XCTAssertTrue(table.stdout.contains("training (loss.csv)"), table.stdout)
            XCTAssertTrue(table.stdout.contains("autoencoder  \(algorithm == "dec" ? 3 : 4) "), table.stdout)
        }
        // A `_latent` metric ranks like its base metric.
        let board = try seglab("leaderboard", "--metric", "davies_bouldin_latent", "--format", "json")
        XCTAssertEqual(board.status, 0, board.stderr)
        let values = (try json(board.stdout) as! [[String: Any]]).compactMap { $0["davies_bouldin_latent"] as? Double }
        XCTAssertEqual(values.count, 3)
        XCTAssertEqual(values, values.sorted())
    }

    func testAssignReproducesTheRunsLabelsWithItsScore() throws {
        try writeCustomers()
        try write("e.json", experiment)
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        for (id, algorithm) in try runIDs() {
            let r = try seglab("assign", id, "--input", "customers.csv", "--out", "again.csv")
            XCTAssertEqual(r.status, 0, r.stderr)
            let again = try read("again.csv").split(separator: "\n")
            XCTAssertEqual(again.first.map(String.init), "customer_id,cluster,segment_name,\(algorithm == "dec" ? "probability" : "distance")")
            XCTAssertEqual(again.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") },
                           try read("results/deep/\(id)/labels.csv").split(separator: "\n").dropFirst().map(String.init))
        }
    }
}
