import Crypto
import Foundation
import GRDB
import XCTest

/// What the harnesses check on a ledger the binary wrote.
extension CLITestCase {
    /// Everything a ledger records about a grid except what depends on the clock or on which
    /// process ran what (`started_at`, `finished_at`, `duration_s`, the `fit_seconds` metric,
    /// owners, heartbeats, `run_events`), with the results folder's path replaced by `<results>`:
    /// two ledgers of the same grid must agree on all of it.
    func ledgerContent(_ ledger: String, results: String) throws -> [String] {
        let root = dir.appendingPathComponent(results).standardizedFileURL.path
        func text(_ row: Row) -> String {
            row.databaseValues.map { value -> String in
                switch value.storage {
                case .null: return "NULL"
                case .double(let d): return d.description
                default: return (String.fromDatabaseValue(value) ?? value.description).replacingOccurrences(of: root, with: "<results>")
                }
            }.joined(separator: " | ")
        }
        let queries = [
            "SELECT 'run', id, key, experiment, feature_set, algorithm, params_json, seed, replicate, status, error, "
                + "dataset_sha256, code_version, config_json, results_dir FROM runs ORDER BY id",
            "SELECT 'metric', run_id, name, value FROM metrics WHERE name <> 'fit_seconds' ORDER BY run_id, name",
            "SELECT 'cluster', run_id, cluster, size FROM clusters ORDER BY run_id, cluster",
            "SELECT 'artifact', run_id, name, path, sha256, bytes FROM artifacts ORDER BY run_id, name",
            "SELECT 'listed', experiment, run_id FROM experiment_runs ORDER BY experiment, run_id",
            "SELECT 'experiment', name, spec_json FROM experiments ORDER BY name",
            "SELECT 'experiment artifact', experiment, name, path, sha256, bytes FROM experiment_artifacts ORDER BY experiment, name",
        ]
        return try queries.flatMap { try query(ledger, $0).map(text) }
    }

    /// A finished grid is whole: every planned run `completed` exactly once (one `completed`
    /// event), nothing `running`, SQLite's integrity check clean, every artifact's bytes those
    /// the ledger's SHA-256 names, and no temporary file left under the results folder.
    func assertWholeGrid(_ ledger: String, results: String, ids: [String],
                         file: StaticString = #filePath, line: UInt = #line) throws {
        let statuses = Dictionary(uniqueKeysWithValues: try query(ledger, "SELECT id, status FROM runs").map {
            ($0["id"] as String, $0["status"] as String)
        })
        for id in ids { XCTAssertEqual(statuses[id], "completed", "run \(id)", file: file, line: line) }
        XCTAssertFalse(statuses.values.contains("running"), file: file, line: line)
        let completions = try query(ledger, "SELECT run_id, count(*) AS n FROM run_events WHERE event = 'completed' GROUP BY run_id")
        XCTAssertEqual(completions.count, ids.count, "runs completed", file: file, line: line)
        for row in completions where row["n"] as Int != 1 {
            XCTFail("run \(row["run_id"] as String) completed \(row["n"] as Int) times", file: file, line: line)
        }
        XCTAssertEqual(try query(ledger, "PRAGMA integrity_check").map { $0[0] as String }, ["ok"], file: file, line: line)
        let artifacts = try query(ledger, "SELECT run_id, path, sha256, bytes FROM artifacts")
        XCTAssertEqual(artifacts.count, ids.count * 4, "4 artifacts per run", file: file, line: line)
        for a in artifacts {
            guard let bytes = FileManager.default.contents(atPath: a["path"]) else {
                XCTFail("missing \(a["path"] as String)", file: file, line: line)
                continue
            }
            let hash = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            XCTAssertEqual(hash, a["sha256"] as String, a["path"], file: file, line: line)
            XCTAssertEqual(bytes.count, a["bytes"] as Int, a["path"], file: file, line: line)
        }
        XCTAssertEqual(temporaryFiles(under: results), [], file: file, line: line)
    }

    /// Files under a folder named as the artifact store names its temporary files (`.name.tmp-pid`).
    func temporaryFiles(under folder: String) -> [String] {
        let root = dir.appendingPathComponent(folder)
        let all = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return all.filter { ($0 as NSString).lastPathComponent.hasPrefix(".") && $0.contains(".tmp-") }.sorted()
    }

    /// "N executed" of a runner's closing summary (0 for "no run executed").
    func executedCount(_ stderr: String) -> Int? {
        if stderr.contains("runs; no run executed") { return 0 }
        guard let match = stderr.range(of: #"runs; \d+ executed"#, options: .regularExpression) else { return nil }
        return Int(stderr[match].dropFirst("runs; ".count).prefix { $0.isNumber })
    }
}

/// SplitMix64: the harnesses' seeded choices (kill moments), reproducible from their seed.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// Whether the long modes of the harnesses run (`SEGLAB_LONG_TESTS=1`).
var longTests: Bool { ProcessInfo.processInfo.environment["SEGLAB_LONG_TESTS"] == "1" }
