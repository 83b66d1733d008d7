import Foundation
import XCTest
import SeglabTestSupport

/// The questions an analyst asks the morning after a grid: the best run per k, what exists in
/// the ledger, and a clear answer when a filter matches nothing.
final class AnalystQueriesTests: CLITestCase {
    /// `experiments/quickstart.json` as shipped, with 3,000 customers instead of 20,000 so that
    /// its 28 runs take seconds in a debug build.
    func writeSmallQuickstart() throws {
        let shipped = try String(contentsOf: SharedFixtures.packageRoot.appendingPathComponent("experiments/quickstart.json"), encoding: .utf8)
        XCTAssertTrue(shipped.contains(#""customers": 20000"#), "the quickstart changed: update this test")
        try write("quickstart.json", shipped.replacingOccurrences(of: #""customers": 20000"#, with: #""customers": 3000"#))
    }

    func testBestPerKPrintsOneRowPerK() throws {
        try writeSmallQuickstart()
        XCTAssertEqual(try seglab("run", "quickstart.json").status, 0)
        let r = try seglab("leaderboard", "--experiment", "quickstart", "--best-per", "k", "--metric", "silhouette")
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: " ").map(String.init)
        XCTAssertEqual(Array(header.prefix(5)), ["rank", "run_id", "k", "init", "n_init"])
        XCTAssertFalse(header.contains("params"), "parameters are columns of their own")
        let rows = lines.dropFirst(2).filter { $0.first?.isNumber == true }
        let kColumn = header.firstIndex(of: "k")!
        XCTAssertEqual(rows.map { $0.split(separator: " ")[kColumn] }.sorted { Int($0)! < Int($1)! }, ["2", "3", "4", "5", "6", "7", "8"])
        XCTAssertEqual(lines.last, "same in every row: experiment=quickstart, feature_set=behaviour, algorithm=kmeans, max_iter=300, tol=0.0001")
        XCTAssertTrue(lines.dropLast().allSatisfy { $0.count < 140 }, r.stdout)  // 217 characters for params alone before

        // Each row is its k's best run by silhouette, ranked.
        let all = try json(try seglab("leaderboard", "--experiment", "quickstart", "--format", "json").stdout) as! [[String: Any]]
        let best = try json(try seglab("leaderboard", "--experiment", "quickstart", "--best-per", "k", "--format", "json").stdout) as! [[String: Any]]
        XCTAssertEqual(all.count, 28)
        XCTAssertEqual(best.count, 7)
        for row in best {
            let k = (row["params"] as! [String: Any])["k"] as! Int
            let top = all.filter { ($0["params"] as! [String: Any])["k"] as! Int == k }.map { $0["silhouette"] as! Double }.max()!
            XCTAssertEqual(row["silhouette"] as? Double, top, "k = \(k)")
        }
        XCTAssertEqual(best.map { $0["silhouette"] as! Double }, best.map { $0["silhouette"] as! Double }.sorted(by: >))
        XCTAssertEqual(best.map { $0["rank"] as! Int }, Array(1 ... 7))

        let byInit = try json(try seglab("leaderboard", "--best-per", "init", "--format", "json").stdout) as! [[String: Any]]
        XCTAssertEqual(Set(byInit.map { ($0["params"] as! [String: Any])["init"] as! String }), ["k-means++", "random"])
        let byAlgorithm = try json(try seglab("leaderboard", "--best-per", "algorithm", "--format", "json").stdout) as! [[String: Any]]
        XCTAssertEqual(byAlgorithm.map { $0["run_id"] as! String }, [all[0]["run_id"] as! String])
        let unknown = try seglab("leaderboard", "--best-per", "kk")
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("no run in results/ledger.sqlite has a parameter named 'kk'"), unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("init, k, max_iter, n_init, tol"), unknown.stderr)
    }

    func testCountsAreWrittenAsIntegers() throws {
        try write("e.json", syntheticExperiment(k: "3"))
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        // n_clusters is the third field from the end (params, earlier, is quoted JSON with commas).
        let csv = try seglab("leaderboard", "--format", "csv").stdout.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(csv.map { $0[$0.count - 3] }, ["n_clusters", "3", "3"])
        let board = try seglab("leaderboard", "--format", "json").stdout
        XCTAssertTrue(board.contains(#""n_clusters": 3,"#), board)

        let id = (try json(try seglab("plan", "e.json", "--format", "json").stdout) as! [[String: Any]])[0]["id"] as! String
        let show = try seglab("show", id, "--format", "json").stdout
        for count in [#""n_clusters": 3,"#, #""silhouette_sample_size": 600"#] { XCTAssertTrue(show.contains(count), show) }
        XCTAssertNotNil(show.range(of: #""n_iter": [0-9]+,"#, options: .regularExpression), show)
        XCTAssertNil(show.range(of: #""(n_clusters|n_iter|silhouette_sample_size)": [0-9]+\."#, options: .regularExpression), show)
        XCTAssertNotNil(try seglab("show", id).stdout.range(of: "\nn_clusters +3\n", options: .regularExpression))
    }

    func testAFilterThatMatchesNothingSaysSoAndListsWhatExists() throws {
        try write("e.json", syntheticExperiment(name: "online-retail", k: "3"))
        XCTAssertEqual(try seglab("run", "e.json").status, 0)

        // A name the ledger does not hold is bad usage, as an unknown run id is.
        let typo = try seglab("leaderboard", "--experiment", "online_retail")
        XCTAssertEqual(typo.status, 2)
        XCTAssertEqual(typo.stdout, "")
        XCTAssertEqual(typo.stderr, "error: no experiment named 'online_retail' in results/ledger.sqlite (did you mean 'online-retail'?); experiments: online-retail\n")
        let algorithm = try seglab("leaderboard", "--algorithm", "dbscan")
        XCTAssertEqual(algorithm.status, 2)
        XCTAssertTrue(algorithm.stderr.contains("algorithms: kmeans"), algorithm.stderr)
        let metric = try seglab("leaderboard", "--metric", "charm")
        XCTAssertEqual(metric.status, 2)
        XCTAssertTrue(metric.stderr.contains("unknown metric 'charm'; rank by one of: ari, balance_entropy"), metric.stderr)
        XCTAssertFalse(metric.stderr.contains("log_likelihood"), "only metrics the ledger recorded: \(metric.stderr)")
        let unrecorded = try seglab("leaderboard", "--metric", "bic")
        XCTAssertEqual(unrecorded.status, 2)
        XCTAssertTrue(unrecorded.stderr.contains("no run in results/ledger.sqlite recorded metric 'bic'"), unrecorded.stderr)

        // Names that exist, filters that leave no run: an empty answer, exit 1.
        let empty = try seglab("leaderboard", "--experiment", "online-retail", "--min-cluster-share", "0.9")
        XCTAssertEqual(empty.status, 1)
        XCTAssertEqual(empty.stdout, "")
        XCTAssertEqual(empty.stderr, "error: no completed run matches (experiment online-retail, min cluster share 0.9)\n")
        let emptyJSON = try seglab("leaderboard", "--min-cluster-share", "0.9", "--format", "json")
        XCTAssertEqual(emptyJSON.status, 1)
        XCTAssertEqual((try json(emptyJSON.stdout) as? [Any])?.count, 0)
    }

    func testExperimentsAndRunsList() throws {
        try write("a.json", syntheticExperiment(name: "small"))
        try write("b.json", syntheticExperiment(name: "tiny", k: "2"))
        XCTAssertEqual(try seglab("run", "a.json").status, 0)
        XCTAssertEqual(try seglab("run", "b.json").status, 0)

        let experiments = try seglab("experiments")
        XCTAssertEqual(experiments.status, 0, experiments.stderr)
        let lines = experiments.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(lines[0], ["name", "created_at", "runs", "pending", "running", "completed", "failed", "interrupted"])
        XCTAssertEqual(lines[2].first, "small")
        XCTAssertEqual(Array(lines[2].dropFirst(2)), ["6", "0", "0", "6", "0", "0"])
        // The two k = 2 runs of "tiny" are runs of "small" too: both experiments list them.
        XCTAssertEqual(Array(lines[3].dropFirst(2)), ["2", "0", "0", "2", "0", "0"])
        let listed = try json(try seglab("experiments", "--format", "json").stdout) as! [[String: Any]]
        XCTAssertEqual(listed.map { $0["name"] as! String }, ["small", "tiny"])
        XCTAssertEqual(listed.map { $0["completed"] as! Int }, [6, 2])
        XCTAssertEqual(try seglab("experiments", "--format", "csv").stdout.split(separator: "\n").count, 3)

        let runs = try json(try seglab("runs", "--experiment", "tiny", "--format", "json").stdout) as! [[String: Any]]
        XCTAssertEqual(runs.count, 2)
        XCTAssertTrue(runs.allSatisfy { $0["status"] as? String == "completed" && ($0["params"] as! [String: Any])["k"] as? Int == 2 })
        let table = try seglab("runs", "--status", "completed", "--algorithm", "kmeans")
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertEqual(table.stdout.split(separator: "\n")[0].split(separator: " "),
                       ["id", "k", "init", "n_init", "status", "seconds", "error"])
        XCTAssertTrue(table.stdout.hasSuffix("same in every row: experiment=small, feature_set=rfm, algorithm=kmeans, max_iter=300, tol=0.0001\n"), table.stdout)
        XCTAssertFalse(table.stdout.contains("{"), "no params JSON in the table")
        XCTAssertTrue(table.stderr.contains("6 runs: 6 completed"), table.stderr)
        XCTAssertEqual(try seglab("runs", "--format", "csv").stdout.split(separator: "\n").count, 7)

        let none = try seglab("runs", "--status", "failed")
        XCTAssertEqual(none.status, 1)
        XCTAssertEqual(none.stderr, "error: no run matches (status failed)\n")
        XCTAssertEqual(try seglab("runs", "--experiment", "smal").status, 2)
        XCTAssertEqual(try seglab("runs", "--status", "done").status, 2)
    }
}
