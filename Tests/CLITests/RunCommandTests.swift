import Foundation
import XCTest
import SeglabTestSupport

final class RunCommandTests: CLITestCase {
    func testValidateAndPlanCountTheGrid() throws {
        try write("e.json", syntheticExperiment())
        let v = try seglab("validate", "e.json")
        XCTAssertEqual(v.status, 0, v.stderr)
        XCTAssertTrue(v.stdout.contains("runs: 6"), v.stdout)
        let p = try seglab("plan", "e.json", "--format", "json")
        XCTAssertEqual(p.status, 0, p.stderr)
        let runs = try json(p.stdout) as! [[String: Any]]
        XCTAssertEqual(runs.count, 6)
        XCTAssertEqual(Set(runs.map { $0["id"] as! String }).count, 6)
        XCTAssertEqual((runs[0]["params"] as! [String: Any])["k"] as? Int, 2)
        XCTAssertEqual(runs[0]["feature_set"] as? String, "rfm")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results").path), "plan writes nothing")
    }

    func testSecondRunExecutesNothingAndSaysSo() throws {
        try write("e.json", syntheticExperiment())
        let first = try seglab("run", "e.json", "--jobs", "2")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("6 completed"), first.stderr)
        let second = try seglab("run", "e.json")
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("no run executed"), second.stderr)
        XCTAssertTrue(second.stderr.contains("6 skipped"), second.stderr)
        let forced = try seglab("run", "e.json", "--force")
        XCTAssertTrue(forced.stderr.contains("6 executed"), forced.stderr)
    }

    func testArtifactsAreIdenticalWhateverTheJobCount() throws {
        try write("e.json", syntheticExperiment())
        XCTAssertEqual(try seglab("run", "e.json", "--jobs", "1", "--ledger", "one.sqlite", "--results", "r1").status, 0)
        XCTAssertEqual(try seglab("run", "e.json", "--jobs", "2", "--ledger", "two.sqlite", "--results", "r2").status, 0)
        let ids = (try json(try seglab("plan", "e.json", "--format", "json").stdout) as! [[String: Any]]).map { $0["id"] as! String }
        for id in ids {
            let a = try json(try seglab("show", id, "--ledger", "one.sqlite", "--format", "json").stdout) as! [String: Any]
            let b = try json(try seglab("show", id, "--ledger", "two.sqlite", "--format", "json").stdout) as! [String: Any]
            let hashes = { (d: [String: Any]) in (d["artifacts"] as! [[String: Any]]).map { "\($0["name"]!)=\($0["sha256"]!)" } }
            XCTAssertEqual(hashes(a).count, 4)
            XCTAssertEqual(hashes(a), hashes(b), "run \(id)")
            let metrics = { (d: [String: Any]) in (d["metrics"] as! [String: Any]).filter { $0.key != "fit_seconds" }.mapValues { "\($0)" } }
            XCTAssertEqual(metrics(a), metrics(b), "run \(id)")
            for name in ["labels.csv", "model.json", "profile.csv", "run.json"] {
                XCTAssertEqual(try read("r1/small/\(id)/\(name)"), try read("r2/small/\(id)/\(name)"))
            }
        }
    }

    func testRerunVerifyDetectsAnEditedArtifact() throws {
        try write("e.json", syntheticExperiment(k: "3"))
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let ids = (try json(try seglab("plan", "e.json", "--format", "json").stdout) as! [[String: Any]]).map { $0["id"] as! String }
        for id in ids {
            let ok = try seglab("rerun", id, "--verify")
            XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
            XCTAssertEqual(ok.stdout, "labels.csv: identical\nmodel.json: identical\nprofile.csv: identical\nrun.json: identical\n")
        }
        let labels = "results/small/\(ids[0])/labels.csv"
        let text = try read(labels)
        let edited = text.hasSuffix(",0\n") ? String(text.dropLast(2)) + "1\n" : String(text.dropLast(2)) + "0\n"
        try write(labels, edited)
        let bad = try seglab("rerun", String(ids[0].prefix(8)), "--verify")
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stdout.contains("labels.csv: different"), bad.stdout)
        XCTAssertTrue(bad.stdout.contains("model.json: identical"), bad.stdout)
        // Rerun without --verify writes the artifacts again; then all agree.
        XCTAssertEqual(try seglab("rerun", ids[0]).status, 0)
        XCTAssertEqual(try seglab("rerun", ids[0], "--verify").status, 0)
    }

    func testArtifactsHaveTheContractsShape() throws {
        try write("e.json", syntheticExperiment(k: "3"))
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let id = ((try json(try seglab("plan", "e.json", "--format", "json").stdout) as! [[String: Any]])[0]["id"] as! String)
        let labels = try read("results/small/\(id)/labels.csv").split(separator: "\n")
        XCTAssertEqual(labels.first, "customer_id,cluster")
        XCTAssertEqual(labels.count, 601)
        let profile = try read("results/small/\(id)/profile.csv").split(separator: "\n")
        XCTAssertTrue(profile[0].hasPrefix("cluster,size,share,recency_days,frequency,monetary"), String(profile[0]))
        XCTAssertEqual(profile.count, 4)
        let show = try json(try seglab("show", id, "--format", "json").stdout) as! [String: Any]
        let metrics = show["metrics"] as! [String: Any]
        for name in ["silhouette", "silhouette_sample_size", "davies_bouldin", "calinski_harabasz", "inertia", "n_clusters",
                     "min_cluster_share", "max_cluster_share", "balance_entropy", "fit_seconds", "ari", "nmi"] {
            XCTAssertNotNil(metrics[name], "metric \(name) missing")
        }
        XCTAssertEqual(metrics["n_clusters"] as? Double, 3)
        XCTAssertEqual((show["clusters"] as! [[String: Any]]).map { $0["size"] as! Int }.reduce(0, +), 600)
        XCTAssertEqual(show["status"] as? String, "completed")
        let table = try seglab("show", String(id.prefix(6)))
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("silhouette"), table.stdout)
    }

    func testFeaturesWritesTheMatrixTheAlgorithmsSee() throws {
        try write("e.json", syntheticExperiment())
        let r = try seglab("features", "e.json", "--set", "rfm", "--out", "f.csv")
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try read("f.csv").split(separator: "\n")
        XCTAssertEqual(lines[0], "customer_id,recency_days_scaled,frequency_log1p_scaled,monetary_log1p_scaled")
        XCTAssertEqual(lines.count, 601)
        // Standard scaling: every column has mean 0 and population variance 1.
        let rows = lines.dropFirst().map { $0.split(separator: ",").dropFirst().map { Double($0)! } }
        for j in 0 ..< 3 {
            let col = rows.map { $0[j] }
            let mean = col.reduce(0, +) / Double(col.count)
            XCTAssertEqual(mean, 0, accuracy: 1e-12)
            XCTAssertEqual(col.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(col.count), 1, accuracy: 1e-9)
        }
        XCTAssertEqual(try seglab("features", "e.json", "--set", "nope", "--out", "g.csv").status, 2)
    }
}
