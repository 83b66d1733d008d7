import Foundation
import XCTest
import SeglabTestSupport

/// The real Slurm test: `deploy/slurm/test-single-node.sh` starts munged, slurmctld and slurmd on
/// this machine, submits a grid as a 4-shard job array and its merge job (`deploy/slurm/submit.sh`)
/// through the binary under test, checks the merged ledger against a single machine's, then kills
/// a shard with SIGKILL, resubmits it and checks the merge again. `.ci/run` installs Debian's
/// `slurm-wlm` and `munge`; the script skips (exit 77, `SKIPPED: …`) only where they cannot be installed.
final class SlurmJobArrayTests: CLITestCase {
    func testFourShardsOnARealSlurmMergeIntoTheSingleMachineLedger() throws {
        let script = SharedFixtures.packageRoot.appendingPathComponent("deploy/slurm/test-single-node.sh")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script.path]
        p.environment = ProcessInfo.processInfo.environment.merging(["SEGLAB": CLIRunner.binary.path]) { $1 }
        p.currentDirectoryURL = dir
        let log = dir.appendingPathComponent("slurm-test.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try handle.close()
        let output = try read("slurm-test.log")
        if p.terminationStatus == 77 {
            throw XCTSkip(output.split(separator: "\n").last { $0.hasPrefix("SKIPPED") }.map(String.init) ?? output)
        }
        XCTAssertEqual(p.terminationStatus, 0, output)
        XCTAssertTrue(output.contains("PASSED"), output)
        // The script's own lines (not the logs it prints on failure), in the test log.
        print(output.split(separator: "\n").filter { $0.hasPrefix("[slurm test") || $0.contains("equals the single-machine") }
            .joined(separator: "\n"))
    }
}
