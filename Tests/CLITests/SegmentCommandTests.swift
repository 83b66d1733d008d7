import Foundation
import XCTest
import SeglabTestSupport

/// Segments as a user meets them: `profile.csv` against an independent computation from
/// `labels.csv` and the raw data, names through `assign`, `compare`, stability across replicates,
/// and an experiment's own action rules.
final class SegmentCommandTests: CLITestCase {
    func planned(_ file: String) throws -> [[String: Any]] {
        try json(try seglab("plan", file, "--format", "json").stdout) as! [[String: Any]]
    }

    /// 240 customers in three groups that differ in recency, frequency and spend; the second
    /// bought once, long ago, for little.
    func writeCustomers() throws {
        var text = "id,recency_days,frequency,monetary,tenure_days\n"
        for i in 0 ..< 240 {
            let g = i % 3
            let recency = [12, 160, 60][g] + (i * 7) % 23
            let frequency = g == 1 ? 1 : [14, 0, 4][g] + (i * 5) % 3
            let monetary = [1800.0, 45.5, 420.25][g] + Double((i * 37) % 101)
            text += "c\(i),\(recency),\(frequency),\(monetary),\(200 + (i * 13) % 300)\n"
        }
        try write("customers.csv", text)
    }

    /// The expected statistics computed here from labels.csv and the raw file, then compared
    /// with profile.csv (which rounds to 6 significant digits).
    func testProfileEqualsAnIndependentComputationFromLabelsAndRawData() throws {
        try writeCustomers()
        try write("e.json", """
        {"name": "prof", "seed": 3, "data": {"customers_csv": {"path": "customers.csv", "id": "id"}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]}},
         "algorithms": {"kmeans": {"k": 3}}}
        """)
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let id = try planned("e.json")[0]["id"] as! String
        let raw = try csv("customers.csv")
        let labels = Dictionary(uniqueKeysWithValues: try csv("results/prof/\(id)/labels.csv").rows.map { ($0[0], Int($0[1])!) })
        let profile = try csv("results/prof/\(id)/profile.csv")
        // A customers file's profile covers the set's columns (tenure_days is not in the set).
        let features = ["recency_days", "frequency", "monetary"]
        XCTAssertEqual(profile.header, ["cluster", "size", "share"] + features + ["revenue_share"] + features.map { $0 + "_median" }
                       + features.map { $0 + "_z" } + ["segment_name", "action"])

        let values = features.map { f in raw.rows.map { Double($0[raw.header.firstIndex(of: f)!])! } }
        let cluster = raw.rows.map { labels[$0[0]]! }
        let n = Double(raw.rows.count)
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
        func median(_ v: [Double]) -> Double {
            let s = v.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        func assertClose(_ cell: String, _ expected: Double, _ what: String) {
            let actual = Double(cell)!
            XCTAssertEqual(actual, expected, accuracy: abs(expected) * 5e-6 + 1e-12, "\(what): \(cell) vs \(expected)")
        }
        for row in profile.rows {
            let c = Int(row[0])!
            let members = cluster.indices.filter { cluster[$0] == c }
            XCTAssertEqual(Int(row[1]), members.count)
            assertClose(row[2], Double(members.count) / n, "share of \(c)")
            for (j, f) in features.enumerated() {
                let all = values[j], mine = members.map { all[$0] }
                let sd = (all.map { ($0 - mean(all)) * ($0 - mean(all)) }.reduce(0, +) / n).squareRoot()
                assertClose(row[profile.header.firstIndex(of: f)!], mean(mine), "mean \(f) of \(c)")
                assertClose(row[profile.header.firstIndex(of: f + "_median")!], median(mine), "median \(f) of \(c)")
                assertClose(row[profile.header.firstIndex(of: f + "_z")!], (mean(mine) - mean(all)) / sd, "z \(f) of \(c)")
            }
            assertClose(row[profile.header.firstIndex(of: "revenue_share")!],
                        members.map { values[2][$0] }.reduce(0, +) / values[2].reduce(0, +), "revenue share of \(c)")
        }
        // The group that bought long ago, once, for little is named so, and gets a win-back offer.
        let lapsed = try XCTUnwrap(profile.rows.first { Double($0[profile.header.firstIndex(of: "recency_days")!])! > 150 })
        XCTAssertEqual(lapsed[profile.header.count - 2], "lapsed · single order · low spend")
        XCTAssertEqual(lapsed.last, "win-back offer: a time-limited coupon")
        XCTAssertEqual(Set(profile.rows.map { $0[profile.header.count - 2] }).count, 3, "names are unique")

        // show prints names and actions, one row per segment.
        let show = try seglab("show", id).stdout
        XCTAssertTrue(show.contains("segments (profile.csv: name and suggested action, per cluster)"), show)
        XCTAssertTrue(show.contains("lapsed · single order · low spend  win-back offer: a time-limited coupon"), show)
        XCTAssertTrue(show.contains("\nrevenue_share "), show)
    }

    /// The same check by pandas, on the reference's 5,000 synthetic customers.
    func testProfileEqualsPandasOnTheReferenceCustomers() throws {
        let data = try SharedFixtures.require("reference/customers_5k_raw.csv")
        guard try shell("/bin/sh", "-c", "python3 -c 'import pandas' 2>/dev/null") == 0 else {
            throw XCTSkip("SKIPPED: python3 with pandas is not installed")
        }
        try write("e.json", """
        {"name": "ref", "seed": 5, "data": {"customers_csv": {"path": "\(data.path)", "id": "id", "truth": "true"}},
         "feature_sets": {"all": {"log1p": ["frequency", "monetary", "avg_basket"]}},
         "algorithms": {"kmeans": {"k": 4}}}
        """)
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let id = try planned("e.json")[0]["id"] as! String
        try write("check.py", """
        import sys, pandas as pd, numpy as np
        raw = pd.read_csv(sys.argv[1]).drop(columns=["true"])
        labels = pd.read_csv(sys.argv[2], dtype={"customer_id": str})
        profile = pd.read_csv(sys.argv[3])
        raw["id"] = raw["id"].astype(str)
        df = raw.merge(labels, left_on="id", right_on="customer_id")
        features = [c for c in raw.columns if c != "id"]
        g = df.groupby("cluster")
        worst = 0.0
        for f in features:
            mu, sd = df[f].mean(), df[f].std(ddof=0)
            for col, expected in [(f, g[f].mean()), (f + "_median", g[f].median()), (f + "_z", (g[f].mean() - mu) / sd)]:
                got = profile.set_index("cluster")[col]
                worst = max(worst, float((abs(got - expected) / (abs(expected) + 1e-12)).max()))
        revenue = g["monetary"].sum() / df["monetary"].sum()
        worst = max(worst, float((abs(profile.set_index("cluster")["revenue_share"] - revenue) / revenue).max()))
        share = g.size() / len(df)
        worst = max(worst, float((abs(profile.set_index("cluster")["share"] - share) / share).max()))
        print(worst)
        """)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "check.py", data.path, "results/ref/\(id)/labels.csv", "results/ref/\(id)/profile.csv"]
        p.currentDirectoryURL = dir
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        let worst = Double(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(p.terminationStatus, 0)
        // 6 significant digits: a relative error of at most half a unit in the 6th digit.
        XCTAssertLessThanOrEqual(try XCTUnwrap(worst), 5e-6)
    }

    func testAssignReproducesLabelsAndNamesForKMeans() throws {
        try write("e.json", syntheticExperiment(name: "names", customers: 900, k: "5"))
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let id = try planned("e.json")[0]["id"] as! String
        XCTAssertEqual(try seglab("features", "e.json", "--set", "rfm", "--raw", "--out", "customers.csv").status, 0)
        let r = try seglab("assign", id, "--input", "customers.csv", "--out", "segments.csv")
        XCTAssertEqual(r.status, 0, r.stderr)
        let assigned = try csv("segments.csv")
        XCTAssertEqual(assigned.header, ["customer_id", "cluster", "segment_name", "distance"])
        let labels = try csv("results/names/\(id)/labels.csv").rows
        XCTAssertEqual(assigned.rows.map { [$0[0], $0[1]] }, labels)
        let profile = try csv("results/names/\(id)/profile.csv")
        let names = Dictionary(uniqueKeysWithValues: profile.rows.map { ($0[0], $0[profile.header.firstIndex(of: "segment_name")!]) })
        XCTAssertEqual(Set(names.values).count, 5)
        for row in assigned.rows { XCTAssertEqual(row[2], names[row[1]]) }
        XCTAssertTrue(assigned.rows.allSatisfy { Double($0[3])! >= 0 })
    }

    /// Mean pairwise ARI, computed here from pair counts (scikit-learn's formula).
    func ari(_ a: [Int], _ b: [Int]) -> Double {
        func pairs(_ n: Int) -> Double { Double(n * (n - 1) / 2) }
        var cells: [String: Int] = [:], rows: [Int: Int] = [:], columns: [Int: Int] = [:]
        for (x, y) in zip(a, b) { cells["\(x),\(y)", default: 0] += 1; rows[x, default: 0] += 1; columns[y, default: 0] += 1 }
        let index = cells.values.map(pairs).reduce(0, +)
        let r = rows.values.map(pairs).reduce(0, +), c = columns.values.map(pairs).reduce(0, +)
        let expected = r * c / pairs(a.count)
        return (index - expected) / ((r + c) / 2 - expected)
    }

    func testCompareAndStabilityAcrossReplicates() throws {
        try write("e.json", """
        {"name": "stab", "seed": 11, "replicates": 3,
         "data": {"synthetic": {"customers": 500, "segments": 3, "seed": 5}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]}},
         "algorithms": {"kmeans": {"k": [3, 6], "init": "random", "n_init": 1}}}
        """)
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let runs = try planned("e.json")
        func labels(_ id: String) throws -> [Int] { try csv("results/stab/\(id)/labels.csv").rows.map { Int($0[1])! } }

        // compare: a contingency table whose cells add up, with the ARI computed here.
        let (a, b) = (runs[3]["id"] as! String, runs[4]["id"] as! String)
        let c = try seglab("compare", a, b, "--format", "json")
        XCTAssertEqual(c.status, 0, c.stderr)
        let table = try json(c.stdout) as! [String: Any]
        XCTAssertEqual((table["counts"] as! [[Int]]).flatMap { $0 }.reduce(0, +), 500)
        XCTAssertEqual(table["ari"] as! Double, ari(try labels(a), try labels(b)), accuracy: 1e-12)
        XCTAssertNotNil((table["rows"] as! [[String: Any]])[0]["segment_name"])
        let text = try seglab("compare", a, b).stdout
        XCTAssertTrue(text.contains("run A \(a) (rows) against run B \(b) (columns): 500 customers in both"), text)
        XCTAssertTrue(text.contains("\nARI  "), text)
        let same = try json(try seglab("compare", a, a, "--format", "json").stdout) as! [String: Any]
        XCTAssertEqual(same["ari"] as? Double, 1)
        XCTAssertEqual(try seglab("compare", a, "ffffffffffff").status, 2)

        // The leaderboard's stability: each configuration's mean pairwise ARI over its 3 replicates.
        let board = try json(try seglab("leaderboard", "--experiment", "stab", "--format", "json").stdout) as! [[String: Any]]
        XCTAssertEqual(board.count, 6)
        for row in board {
            let k = (row["params"] as! [String: Any])["k"] as! Int
            let replicates = try runs.filter { (($0["params"] as! [String: Any])["k"] as! Int) == k }.map { try labels($0["id"] as! String) }
            let expected = (ari(replicates[0], replicates[1]) + ari(replicates[0], replicates[2]) + ari(replicates[1], replicates[2])) / 3
            XCTAssertEqual(row["stability"] as! Double, expected, accuracy: 1e-12)
            XCTAssertEqual(row["replicates"] as? Int, 3)
        }
        XCTAssertTrue(try seglab("leaderboard", "--experiment", "stab").stdout.split(separator: "\n")[0].contains("stability"))
        // Without replicates there is no such column.
        try write("one.json", syntheticExperiment(name: "one", k: "3"))
        XCTAssertEqual(try seglab("run", "one.json").status, 0)
        XCTAssertFalse(try seglab("leaderboard", "--experiment", "one").stdout.contains("stability"))
    }

    func testAnExperimentsOwnActionRulesComeFirstAndChangeTheKey() throws {
        try writeCustomers()
        let base = """
        {"name": "acts", "seed": 3, "data": {"customers_csv": {"path": "customers.csv", "id": "id"}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]}},
         "algorithms": {"kmeans": {"k": 3}}
        """
        try write("plain.json", base + "}")
        try write("e.json", base + #", "segments": {"actions": [{"when": ["lapsed"], "action": "send the 20% WINBACK code"}]}}"#)
        let plain = try planned("plain.json")[0]["id"] as! String, custom = try planned("e.json")[0]["id"] as! String
        XCTAssertNotEqual(plain, custom)
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let profile = try read("results/acts/\(custom)/profile.csv")
        XCTAssertTrue(profile.contains(",lapsed · single order · low spend,send the 20% WINBACK code\n"), profile)
        XCTAssertTrue(profile.contains("loyalty perk: VIP tier, early access") || profile.contains("loyalty points"), profile)
        let verify = try seglab("rerun", custom, "--verify")
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        try write("bad.json", base + #", "segments": {"actions": [{"when": ["lapse"], "action": "x"}]}}"#)
        let bad = try seglab("run", "bad.json")
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("segments.actions[0].when[0]"), bad.stderr)
    }
}
