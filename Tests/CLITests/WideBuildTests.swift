import Foundation
import XCTest
import SeglabTestSupport

/// A `seglab` built for wider vectors (`-target-cpu haswell`: AVX2, so a `SIMD4<Double>` is
/// one instruction instead of two, and scalar code may use the new instructions too) must
/// compute the same bits as the baseline build: every lane still does the scalar operation in
/// the same order, and Swift never fuses a multiply and an add. This runs one experiment
/// through every algorithm with both binaries and compares every artifact's hash and every
/// metric.
///
/// The wide binary comes from `SEGLAB_WIDE_BINARY`; `.ci/run` builds it (see the README,
/// "Built for AVX2"). Without it the test is skipped.
final class WideBuildTests: CLITestCase {
    func testTheAVX2BuildComputesTheSameBitsForEveryAlgorithm() throws {
        guard let wide = ProcessInfo.processInfo.environment["SEGLAB_WIDE_BINARY"], !wide.isEmpty else {
            throw XCTSkip("SKIPPED: set SEGLAB_WIDE_BINARY to a seglab built with -target-cpu haswell (.ci/run does)")
        }
        let widePath = URL(fileURLWithPath: wide, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).path
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: widePath), "no executable at \(widePath)")
        try write("e.json", """
        {"name": "wide", "seed": 20261201,
         "data": {"synthetic": {"customers": 3000, "segments": 4, "seed": 9}},
         "feature_sets": {"all": {"log1p": ["frequency", "monetary", "avg_basket"], "scale": "standard"}},
         "algorithms": {
           "kmeans": {"k": {"from": 2, "to": 6}, "init": ["k-means++", "random"], "n_init": 3},
           "minibatch_kmeans": {"k": [3, 5], "batch_size": 256},
           "gmm": {"k": [3, 4], "covariance": ["full", "tied", "diag", "spherical"]},
           "birch": {"k": [3, 4], "threshold": [0.5, 1.0]},
           "dbscan": {"eps": [0.5, 0.8], "min_samples": 8},
           "agglomerative": {"k": [3, 4], "linkage": ["ward", "complete", "average", "single"]},
           "ae_kmeans": {"k": 4, "epochs": 3},
           "dec": {"k": 4, "pretrain_epochs": 3, "epochs": 3}
         },
         "metrics": {"silhouette": {"sample": 2000}}}
        """)
        XCTAssertEqual(try seglab("run", "e.json", "--jobs", "2", "--ledger", "base.sqlite", "--results", "base").status, 0)
        let wideRun = try CLIRunner.run(["run", "e.json", "--jobs", "2", "--ledger", "wide.sqlite", "--results", "wide"],
                                        in: dir, timeout: 600, executable: URL(fileURLWithPath: widePath))
        XCTAssertEqual(wideRun.status, 0, wideRun.stderr)
        let hashes = "SELECT run_id || ' ' || name || ' ' || sha256 FROM artifacts ORDER BY run_id, name"
        let metrics = """
            SELECT run_id || ' ' || name || ' ' || quote(value) FROM metrics WHERE name <> 'fit_seconds'
            ORDER BY run_id, name
            """
        let base = try query("base.sqlite", hashes), other = try query("wide.sqlite", hashes)
        XCTAssertGreaterThan(base.count, 4 * 30, "every run wrote its artifacts")
        XCTAssertEqual(base.map { $0[0] as String }, other.map { $0[0] as String })
        XCTAssertEqual(try query("base.sqlite", metrics).map { $0[0] as String }, try query("wide.sqlite", metrics).map { $0[0] as String })
    }

    /// The C distance kernels at each instruction-set level (`SEGLAB_KERNEL_LEVEL`; a level the
    /// CPU lacks falls back to the widest it has) give the same K-Means fits: every artifact's
    /// hash and every metric.
    func testEveryKernelLevelComputesTheSameBits() throws {
        try write("e.json", """
        {"name": "levels", "seed": 20261201,
         "data": {"synthetic": {"customers": 4000, "segments": 5, "seed": 3}},
         "feature_sets": {"all": {"log1p": ["frequency", "monetary", "avg_basket"], "scale": "standard"}},
         "algorithms": {"kmeans": {"k": {"from": 2, "to": 10}, "init": ["k-means++", "random"], "n_init": [1, 3]}},
         "metrics": {"silhouette": {"sample": 1000}}}
        """)
        let hashes = "SELECT run_id || ' ' || name || ' ' || sha256 FROM artifacts ORDER BY run_id, name"
        let metrics = """
            SELECT run_id || ' ' || name || ' ' || quote(value) FROM metrics WHERE name <> 'fit_seconds'
            ORDER BY run_id, name
            """
        var first: (hashes: [String], metrics: [String])?
        for level in 0 ... 2 {
            let run = try CLIRunner.run(["run", "e.json", "--jobs", "2", "--ledger", "l\(level).sqlite", "--results", "r\(level)"],
                                        in: dir, launcher: ["/usr/bin/env", "SEGLAB_KERNEL_LEVEL=\(level)"], timeout: 600)
            XCTAssertEqual(run.status, 0, run.stderr)
            let got = (try query("l\(level).sqlite", hashes).map { $0[0] as String },
                       try query("l\(level).sqlite", metrics).map { $0[0] as String })
            XCTAssertEqual(got.0.count, 36 * 4, "every run wrote its artifacts")
            if let first {
                XCTAssertEqual(got.0, first.hashes, "level \(level)")
                XCTAssertEqual(got.1, first.metrics, "level \(level)")
            } else {
                first = got
            }
        }
    }
}
