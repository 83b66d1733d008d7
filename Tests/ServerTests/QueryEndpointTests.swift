import Foundation
import XCTest
import SeglabTestSupport
@testable import SeglabServer

/// Every read endpoint over HTTP against the real server, compared with what the command
/// line prints for the same question.
final class QueryEndpointTests: XCTestCase {
    func testHealthAndTheDocument() async throws {
        let f = try await SharedServer.shared.get()
        let health = try await f.client.get("/health")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(try health.object()["status"] as? String, "ok")
        XCTAssertEqual(health.headers["content-type"], "application/json")
        let document = try await f.client.get("/openapi.json")
        XCTAssertEqual(document.status, 200)
        XCTAssertEqual(document.text, OpenAPIDocument.json)
    }

    /// A ledger that cannot be read any more (here overwritten in place while served) makes
    /// `/health` answer 503, for a load balancer to take the server out.
    func testHealthIs503WhenTheLedgerCannotBeRead() async throws {
        let f = try await SharedServer.shared.get()
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("ledger.sqlite")
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: f.ledger + suffix) {
            try FileManager.default.copyItem(atPath: f.ledger + suffix, toPath: ledger.path + suffix)
        }
        let server = try await RunningServer.start(ServerConfiguration(ledger: ledger.path))
        let before = try await server.client().get("/health")
        XCTAssertEqual(before.status, 200, before.text)

        // The same files, not new ones in their place; the zeroed WAL index makes the server's
        // connection read the database again (its pages cached so far are no longer trusted).
        for (suffix, byte) in [("", UInt8(0x5A)), ("-shm", 0), ("-wal", 0)] where FileManager.default.fileExists(atPath: ledger.path + suffix) {
            let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: ledger.path + suffix)[.size] as? Int)
            let handle = try XCTUnwrap(FileHandle(forWritingAtPath: ledger.path + suffix))
            try handle.write(contentsOf: Data(repeating: byte, count: size))
            try handle.close()
        }
        let after = try await server.client().get("/health")
        await server.stop()
        XCTAssertEqual(after.status, 503, after.text)
        XCTAssertTrue(try after.message().hasPrefix("the ledger cannot be read: "), after.text)
    }

    func testExperiments() async throws {
        let f = try await SharedServer.shared.get()
        let list = try await f.client.get("/experiments").object()
        let cli = try JSONSerialization.jsonObject(with: Data(try f.seglab("experiments", "--format", "json").stdout.utf8))
        XCTAssertTrue(sameJSON(list["items"]!, cli), "\(list)")
        XCTAssertEqual(list["total"] as? Int, 1)
        XCTAssertTrue(list["next_offset"] is NSNull)

        let small = try await f.client.get("/experiments/small").object()
        XCTAssertEqual(small["runs"] as? Int, 12)
        XCTAssertEqual(small["completed"] as? Int, 10)
        XCTAssertEqual(small["failed"] as? Int, 2)
        XCTAssertEqual((small["spec"] as? [String: Any])?["name"] as? String, "small")
        XCTAssertEqual((small["artifacts"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["data_report.json", "feature_sets.json"])

        let missing = try await f.client.get("/experiments/Small")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(try missing.message(), "no experiment named 'Small' in the ledger (did you mean 'small'?); experiments: small")
        let typo = try await f.client.get("/experiments?limt=5")
        XCTAssertEqual(typo.status, 400)
        XCTAssertEqual(try typo.message(), "unknown query parameter 'limt'; this endpoint takes: limit, offset")
        let zero = try await f.client.get("/experiments?limit=0")
        XCTAssertEqual(zero.status, 400)
        XCTAssertEqual(try zero.message(), "query parameter 'limit' must be between 1 and 1000 (got 0)")
    }

    func testRunsAreListedAsTheCommandListsThemPageByPage() async throws {
        let f = try await SharedServer.shared.get()
        let cli = try f.runs()
        let all = try await f.client.get("/runs?limit=1000").object()
        XCTAssertTrue(sameJSON(all["items"]!, cli))
        XCTAssertEqual(all["total"] as? Int, 12)

        let page = try await f.client.get("/runs?limit=5&offset=10").object()
        XCTAssertEqual((page["items"] as! [[String: Any]]).map { $0["id"] as! String }, cli[10...].map { $0["id"] as! String })
        XCTAssertTrue(page["next_offset"] is NSNull)
        let first = try await f.client.get("/runs?limit=5").object()
        XCTAssertEqual(first["next_offset"] as? Int, 5)

        let failed = try await f.client.get("/runs?status=failed&experiment=small&algorithm=kmeans").object()
        XCTAssertEqual((failed["items"] as! [[String: Any]]).map { $0["status"] as! String }, ["failed", "failed"])
        XCTAssertTrue((failed["items"] as! [[String: Any]]).allSatisfy { ($0["error"] as? String)?.hasPrefix("timeout") == true })

        let badStatus = try await f.client.get("/runs?status=done")
        XCTAssertEqual(badStatus.status, 400)
        XCTAssertEqual(try badStatus.message(),
                       "query parameter 'status' must be one of: pending, running, completed, failed, interrupted (got 'done')")
        let unknown = try await f.client.get("/runs?experiment=smal")
        XCTAssertEqual(unknown.status, 400)
        XCTAssertEqual(try unknown.message(), "no experiment named 'smal' in the ledger; experiments: small")
        for query in ["offset=-1", "limit=ten", "status=failed&status=completed"] {
            let r = try await f.client.get("/runs?" + query)
            XCTAssertEqual(r.status, 400, query)
        }
    }

    func testARunIsWhatShowPrints() async throws {
        let f = try await SharedServer.shared.get()
        let id = try f.runID(k: 4)
        let cli = try JSONSerialization.jsonObject(with: Data(try f.seglab("show", id, "--format", "json").stdout.utf8))
        let served = try await f.client.get("/runs/\(id)").json()
        XCTAssertTrue(sameJSON(served, cli))
        XCTAssertNotNil((served as? [String: Any])?["profile"] as? [[String: Any]])
        let byPrefix = try await f.client.get("/runs/\(id.prefix(8))").json()
        XCTAssertTrue(sameJSON(byPrefix, cli), "a unique prefix names the run")

        let unknown = try await f.client.get("/runs/zzzz")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(try unknown.message(), "no run with id zzzz in the ledger")
        // The shortest prefix two runs share is ambiguous.
        let ids = try f.runs().map { $0["id"] as! String }
        let shared = (1 ... 12).lazy.compactMap { n in
            Dictionary(grouping: ids, by: { String($0.prefix(n)) }).first { $0.value.count > 1 }?.key
        }.first
        let ambiguous = try await f.client.get("/runs/\(try XCTUnwrap(shared))")
        XCTAssertEqual(ambiguous.status, 400)
        XCTAssertTrue(try ambiguous.message().hasPrefix("run id \(shared!) is ambiguous: "), ambiguous.text)
    }

    func testTheLeaderboardRanksAsTheCommandDoes() async throws {
        let f = try await SharedServer.shared.get()
        func cli(_ options: String...) throws -> Any {
            try JSONSerialization.jsonObject(with: Data(try CLIRunner.run(["leaderboard", "--format", "json"] + options, in: f.dir).stdout.utf8))
        }
        let all = try await f.client.get("/leaderboard?limit=1000").object()
        XCTAssertTrue(sameJSON(all["items"]!, try cli()))
        XCTAssertEqual(all["metric"] as? String, "silhouette")
        XCTAssertEqual(all["higher_is_better"] as? Bool, true)
        XCTAssertEqual(all["total"] as? Int, 10)

        let perK = try await f.client.get("/leaderboard?metric=davies_bouldin&best_per=k&top=3&experiment=small").object()
        XCTAssertTrue(sameJSON(perK["items"]!, try cli("--metric", "davies_bouldin", "--best-per", "k", "--top", "3", "--experiment", "small")))
        XCTAssertEqual(perK["higher_is_better"] as? Bool, false)
        let balanced = try await f.client.get("/leaderboard?min_cluster_share=0.2&algorithm=kmeans").object()
        XCTAssertTrue(sameJSON(balanced["items"]!, try cli("--min-cluster-share", "0.2", "--algorithm", "kmeans")))
        let none = try await f.client.get("/leaderboard?min_cluster_share=1").object()
        XCTAssertEqual((none["items"] as? [Any])?.count, 0, "filters that leave no run: an empty page")

        // The command line's checks and messages, with query parameters for options.
        let unknownMetric = try await f.client.get("/leaderboard?metric=silhuette")
        XCTAssertEqual(unknownMetric.status, 400)
        let cliMessage = try CLIRunner.run(["leaderboard", "--metric", "silhuette"], in: f.dir).stderr
        XCTAssertEqual("error: " + (try unknownMetric.message()) + "\n", cliMessage)
        for (query, message) in [
            ("top=0", "query parameter 'top' must be at least 1"),
            ("min_cluster_share=2", "query parameter 'min_cluster_share' must be between 0 and 1"),
            ("top=many", "query parameter 'top' must be an integer (got 'many')"),
            ("best_per=colour", "query parameter 'best_per' colour: no run in the ledger has a parameter named 'colour'; "
                + "use algorithm, feature_set or a parameter: init, k, max_iter, n_init, tol"),
            ("algorithm=dbscan", "no algorithm named 'dbscan' in the ledger; algorithms: kmeans"),
        ] {
            let r = try await f.client.get("/leaderboard?" + query)
            XCTAssertEqual(r.status, 400, query)
            XCTAssertEqual(try r.message(), message)
        }
    }

    func testAReportIsServedWhereTheConventionPutsIt() async throws {
        let f = try await SharedServer.shared.get()
        let id = try f.runID(k: 5)
        let missing = try await f.client.get("/runs/\(id)/report")
        XCTAssertEqual(missing.status, 404)
        let runReport = f.dir.appendingPathComponent("results/small/\(id)/report/index.html")
        let experimentReport = f.dir.appendingPathComponent("results/small/report/index.html")
        XCTAssertEqual(try missing.message(), "no report for run \(id); looked for \(runReport.path), \(experimentReport.path)")

        // The experiment's report covers every run it lists; a run's own report comes first.
        for (file, html) in [(experimentReport, "<html>experiment</html>"), (runReport, "<html>run</html>")] {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(html.utf8).write(to: file)
            let served = try await f.client.get("/runs/\(id)/report")
            XCTAssertEqual(served.status, 200)
            XCTAssertEqual(served.headers["content-type"], "text/html; charset=utf-8")
            XCTAssertEqual(served.text, html)
        }
        try FileManager.default.removeItem(at: runReport.deletingLastPathComponent())
        try FileManager.default.removeItem(at: experimentReport.deletingLastPathComponent())
    }

    /// Every endpoint, assign included, leaves the ledger and the results folder as they were.
    func testServingWritesNothing() async throws {
        let f = try await SharedServer.shared.get()
        func state() throws -> [String: Data] {
            var files: [String: Data] = [:]
            let results = f.dir.appendingPathComponent("results")
            for case let file as URL in FileManager.default.enumerator(at: results, includingPropertiesForKeys: nil)! {
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory)
                if !isDirectory.boolValue, !file.path.hasSuffix("-shm") { files[file.path] = try Data(contentsOf: file) }
            }
            return files
        }
        let before = try state()
        let id = try f.runID(k: 4)
        for path in ["/health", "/openapi.json", "/experiments", "/experiments/small", "/runs", "/runs/\(id)", "/runs/\(id)/report",
                     "/leaderboard?best_per=k"] {
            _ = try await f.client.get(path)
        }
        let customers = try Data(contentsOf: f.dir.appendingPathComponent("customers.csv"))
        let assign = try await f.client.send("POST", "/runs/\(id)/assign", body: customers, headers: ["Content-Type": "text/csv"])
        XCTAssertEqual(assign.status, 200)
        XCTAssertEqual(try state(), before, "the ledger (and its log) and every artifact are byte for byte as they were")
    }

    func testUnknownPathsAre404AndOtherMethods405() async throws {
        let f = try await SharedServer.shared.get()
        let nowhere = try await f.client.get("/segments")
        XCTAssertEqual(nowhere.status, 404)
        XCTAssertEqual(try nowhere.message(), "no endpoint GET /segments; the API is described at /openapi.json")
        let id = try f.runID(k: 2)
        for (method, path, allow) in [("POST", "/runs", "GET"), ("GET", "/runs/\(id)/assign", "POST"),
                                      ("DELETE", "/runs/\(id)", "GET"), ("PUT", "/health", "GET")] {
            let r = try await f.client.send(method, path)
            XCTAssertEqual(r.status, 405, "\(method) \(path)")
            XCTAssertEqual(r.headers["allow"], allow)
            XCTAssertEqual(try r.message(), "\(path) answers \(allow), not \(method)")
        }
    }
}
