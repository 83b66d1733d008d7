import Foundation
import GRDB
import XCTest
import SeglabTestSupport

/// Base for end-to-end tests: each test gets a fresh folder and runs the real binary in it.
class CLITestCase: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try CLIRunner.temporaryDirectory()
        let d = dir!
        addTeardownBlock { try? FileManager.default.removeItem(at: d) }
        guard FileManager.default.isExecutableFile(atPath: CLIRunner.binary.path) else {
            throw XCTSkip("SKIPPED: the seglab binary is not built at \(CLIRunner.binary.path) (run `swift build` first)")
        }
    }

    /// Runs the binary in the test's folder; a command still running after 10 minutes is
    /// killed (a hang fails the test instead of stalling CI).
    @discardableResult
    func seglab(_ args: String...) throws -> CLIRunner.Result { try CLIRunner.run(args, in: dir, timeout: 600) }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: dir.appendingPathComponent(name))
    }

    func read(_ name: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    /// A log file's text, or "" if it cannot be read (for assertion messages).
    func contents(_ name: String) -> String { (try? read(name)) ?? "" }

    func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> Any {
        do { return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) } catch {
            XCTFail("not valid JSON: \(text.prefix(300))", file: file, line: line)
            throw error
        }
    }

    /// A small synthetic experiment, quick even in a debug build.
    func syntheticExperiment(name: String = "small", customers: Int = 600, k: String = #"{"from": 2, "to": 4}"#) -> String {
        """
        {"name": "\(name)", "seed": 42,
         "data": {"synthetic": {"customers": \(customers), "segments": 3, "seed": 5}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]}},
         "algorithms": {"kmeans": {"k": \(k), "init": ["k-means++", "random"]}}}
        """
    }
}

extension CLITestCase {
    /// Starts `seglab` without waiting for it; its stderr goes to `stderr` (a file in the test
    /// folder), its stdout nowhere.
    func start(_ arguments: [String], stderr: String) throws -> Process {
        let p = Process()
        p.executableURL = CLIRunner.binary
        p.arguments = arguments
        p.currentDirectoryURL = dir
        let log = dir.appendingPathComponent(stderr)
        FileManager.default.createFile(atPath: log.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: log)
        p.standardOutput = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Runs `seglab` as the unprivileged user `nobody`, so that file permissions hold even when
    /// the tests run as root (who may write anything); the test folder is opened to everyone.
    func seglabAsNobody(_ arguments: [String]) throws -> CLIRunner.Result {
        guard getuid() == 0 else { return try CLIRunner.run(arguments, in: dir) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("SKIPPED: needs setpriv (util-linux) to drop root's privileges")
        }
        chmod(dir.path, 0o777)
        return try CLIRunner.run(arguments, in: dir, launcher: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
    }

    /// A tmpfs of `kilobytes` KiB mounted at `name` in the test folder (unmounted when the test
    /// ends): a disk that really fills up (ENOSPC). Skips where this user cannot mount one.
    func smallDisk(_ name: String, kilobytes: Int) throws -> URL {
        let mountPoint = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let mount = try shell("/bin/mount", "-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", mountPoint.path)
        guard mount == 0 else { throw XCTSkip("SKIPPED: cannot mount a \(kilobytes) KiB tmpfs here (needs root)") }
        addTeardownBlock { _ = try? self.shell("/bin/umount", "-l", mountPoint.path) }
        return mountPoint
    }

    @discardableResult
    func shell(_ executable: String, _ arguments: String...) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// Rows of a query on a ledger the binary wrote (opened read-only).
    func query(_ ledger: String, _ sql: String) throws -> [Row] {
        var config = Configuration()
        config.readonly = true
        let path = ledger.hasPrefix("/") ? ledger : dir.appendingPathComponent(ledger).path
        return try DatabaseQueue(path: path, configuration: config).read { db in try Row.fetchAll(db, sql: sql) }
    }

    /// The run ids `plan` prints for an experiment file.
    func plannedIDs(_ file: String, ledger: String? = nil) throws -> [String] {
        let args = ["plan", file, "--format", "json"] + (ledger.map { ["--ledger", $0] } ?? [])
        let plan = try CLIRunner.run(args, in: dir)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        return (try json(plan.stdout) as! [[String: Any]]).map { $0["id"] as! String }
    }
}
