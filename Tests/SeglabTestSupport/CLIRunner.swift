import Foundation

/// Runs the real `seglab` binary, as a user would, and captures what it prints.
public enum CLIRunner {
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// The child ran past its `timeout` and was killed (SIGKILL): a hang.
        public var timedOut = false
        /// The child ended by a signal (a crash, or the timeout's kill), not by `exit`.
        public var signalled = false
    }

    /// The `seglab` executable built beside the test bundle (`swift test` builds every product).
    public static var binary: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On macOS the test binary lives inside an .xctest bundle.
        while dir.pathExtension == "xctest" || dir.lastPathComponent == "MacOS" || dir.lastPathComponent == "Contents" {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("seglab")
    }

    /// Runs `seglab` with `arguments` in `directory`; with a `launcher` (e.g. `["/usr/bin/setpriv", …]`),
    /// runs the launcher with the binary's path and the arguments after its own. With a
    /// `timeout` (seconds), a child still running then is killed and the result says
    /// `timedOut`, so a hang fails a test instead of stalling the suite. `executable` runs another
    /// build of `seglab` instead of the one beside the tests.
    @discardableResult
    public static func run(_ arguments: [String], in directory: URL, launcher: [String] = [], timeout: Double? = nil,
                           executable: URL? = nil) throws -> Result {
        let program = executable ?? binary
        let p = Process()
        p.executableURL = launcher.first.map { URL(fileURLWithPath: $0) } ?? program
        p.arguments = launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [program.path] + arguments
        p.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        final class Flag: @unchecked Sendable {
            private let lock = NSLock()
            private var value = false
            func set() { lock.lock(); value = true; lock.unlock() }
            var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
        }
        let killed = Flag()
        if let timeout {
            let pid = p.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [p] in
                if p.isRunning { killed.set(); kill(pid, SIGKILL) }
            }
        }
        // Read both pipes to the end before waiting, so a large output cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let stdout = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { stdout.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let outData = stdout.data
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self), timedOut: killed.isSet,
                      signalled: p.terminationReason == .uncaughtSignal)
    }

    /// A fresh temporary folder, removed by the caller's `addTeardownBlock`.
    public static func temporaryDirectory() throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("seglab-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }
}
