import Foundation
import XCTest
import SeglabTestSupport

/// `seglab report` end to end: every chart, byte-identical output, the default folder.
final class ReportCommandTests: CLITestCase {
    /// 16 runs: K-Means k 2..5 × both initialisations × two feature sets (one with PCA).
    func writeExperiment() throws {
        try write("e.json", """
        {"name": "rep", "seed": 8, "data": {"synthetic": {"customers": 800, "segments": 4, "seed": 5}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary", "tenure_days"], "log1p": ["frequency", "monetary"]},
                          "pca": {"log1p": ["frequency", "monetary", "avg_basket"], "pca": {"components": 3}}},
         "algorithms": {"kmeans": {"k": {"from": 2, "to": 5}, "init": ["k-means++", "random"]}}}
        """)
        let r = try seglab("run", "e.json", "--jobs", "2")
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func files(_ folder: String) throws -> [String: Data] {
        let root = dir.appendingPathComponent(folder)
        var out: [String: Data] = [:]
        out["index.html"] = try Data(contentsOf: root.appendingPathComponent("index.html"))
        for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("charts").path) {
            out["charts/" + name] = try Data(contentsOf: root.appendingPathComponent("charts").appendingPathComponent(name))
        }
        return out
    }

    func testTheReportHasEveryChartAndTheSameBytesEveryTime() throws {
        try writeExperiment()
        let board = try json(try seglab("leaderboard", "--experiment", "rep", "--format", "json").stdout) as! [[String: Any]]
        let best = board[0]["run_id"] as! String
        let r = try seglab("report", "--experiment", "rep", "--out", "out")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("report of experiment rep, segments of run \(best)"), r.stderr)
        let first = try files("out")
        XCTAssertEqual(Set(first.keys), Set(["index.html", "charts/quality-balance.svg", "charts/kmeans-rfm-elbow.svg",
                                              "charts/kmeans-pca-elbow.svg", "charts/kmeans-silhouette-k.svg",
                                              "charts/kmeans-davies-bouldin-k.svg", "charts/kmeans-heatmap.svg",
                                              "charts/rfm-scree.svg", "charts/rfm-correlation.svg", "charts/pca-scree.svg",
                                              "charts/pca-correlation.svg"]
                                             + ["sizes", "radar", "pca", "tsne"].map { "charts/run-\(best)-\($0).svg" }))
        let html = String(decoding: first["index.html"]!, as: UTF8.self)
        // Every chart is inlined as it is in its file; nothing is fetched and nothing runs.
        for (name, bytes) in first where name.hasPrefix("charts/") {
            XCTAssertTrue(html.contains(String(decoding: bytes, as: UTF8.self)), name)
        }
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, first.count - 1)
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http"))
        for (name, bytes) in first { XCTAssertFalse(String(decoding: bytes, as: UTF8.self).contains(dir.path), "\(name) holds a path") }
        // Names on the segments, as profile.csv has them; the heat map spans init and feature set.
        let profile = try csv("results/rep/\(best)/profile.csv")
        for row in profile.rows {
            XCTAssertTrue(html.contains(row[profile.header.firstIndex(of: "segment_name")!]), "\(row)")
            XCTAssertTrue(html.contains(row[profile.header.firstIndex(of: "action")!]), "\(row)")
        }
        // n_init follows from init here (K-Means' default): the map spans init and feature set.
        XCTAssertTrue(html.contains("best silhouette across feature_set and init"), html)
        XCTAssertTrue(html.contains("No run failed."))

        // The same bytes again (the ledger's only experiment by default), and in the default
        // folder that `seglab serve` reads.
        XCTAssertEqual(try seglab("report", "--out", "out").status, 0)
        XCTAssertEqual(try files("out"), first)
        XCTAssertEqual(try seglab("report").status, 0)
        XCTAssertEqual(try files("results/rep/report"), first)
        let check = try seglab("ledger", "check")
        XCTAssertEqual(check.status, 0, "a report folder is not an orphan: " + check.stdout)

        // The same grid run again one run at a time into another ledger: the same report bytes
        // (the ledgers differ in their clock times and paths, which the report never shows).
        XCTAssertEqual(try seglab("run", "e.json", "--jobs", "1", "--ledger", "again/ledger.sqlite", "--results", "again").status, 0)
        XCTAssertEqual(try seglab("report", "--ledger", "again/ledger.sqlite", "--out", "out-again").status, 0)
        XCTAssertEqual(try files("out-again"), first)

        // Another run's segments, in that run's own folder.
        let other = board.last!["run_id"] as! String
        XCTAssertEqual(try seglab("report", "--run", String(other.prefix(8))).status, 0)
        let chosen = try read("results/rep/\(other)/report/index.html")
        XCTAssertTrue(chosen.contains("The segments below are those of run \(other)"), chosen)
        XCTAssertTrue(chosen.contains("chosen with --run"))
        XCTAssertEqual(try seglab("ledger", "check").status, 0)

        XCTAssertEqual(try seglab("report", "--experiment", "nope", "--out", "x").status, 2)
        XCTAssertEqual(try seglab("report", "--run", "ffffffff", "--out", "x").status, 2)
    }
}
