import Foundation
import XCTest
import SeglabTestSupport

/// The fuzzers' settings, from the environment (README "Fuzzing"):
///
/// - `SEGLAB_FUZZ_CASES`: in-process cases per input kind (default 10,000; the long mode is
///   e.g. `SEGLAB_FUZZ_CASES=1000000`).
/// - `SEGLAB_FUZZ_CLI_CASES`: cases per input kind run through the real binary (default 60).
/// - `SEGLAB_FUZZ_SEED`: the generator seed (default 20261201); a failure names its case
///   number, which with the seed reproduces its bytes.
/// - `SEGLAB_FUZZ_HANG_SECONDS`: a case running longer is a hang (default 60).
enum FuzzSettings {
    private static func value(_ name: String) -> UInt64? {
        ProcessInfo.processInfo.environment[name].flatMap { UInt64($0.replacingOccurrences(of: "_", with: "")) }
    }

    static let cases = Int(value("SEGLAB_FUZZ_CASES") ?? 10_000)
    static let cliCases = Int(value("SEGLAB_FUZZ_CLI_CASES") ?? 60)
    static let seed = value("SEGLAB_FUZZ_SEED") ?? 20_261_201
    static let hangSeconds = Double(value("SEGLAB_FUZZ_HANG_SECONDS") ?? 60)
}

/// One fuzzing session of one input kind: keeps the current case's bytes on disk (a crash
/// leaves them there), runs a watchdog that turns a hang into a failure, and counts outcomes.
final class FuzzSession: @unchecked Sendable {
    let kind: String
    /// Where the cases' files are written; kept when the process dies on a case.
    let folder: URL
    private let lock = NSLock()
    private var current = -1
    private var started = Date()
    private var finished = false
    private let begin = Date()
    private var slowest = (seconds: 0.0, index: -1)
    private(set) var accepted = 0, rejected = 0
    private var messages = Set<String>()

    /// `watchdog`: in-process cases need one; cases run through the binary have a timeout.
    init(kind: String, watchdog: Bool = true) throws {
        self.kind = kind
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("seglab-fuzz-\(kind)-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if watchdog { Thread.detachNewThread { [self] in watch() } }
    }

    /// Writes a case's input to `name` in `folder` (plain `write`: Foundation's atomic
    /// write syncs to disk, which would dominate the fuzzers' time) and returns its path.
    func save(_ bytes: [UInt8], as name: String) -> String {
        let path = folder.appendingPathComponent(name).path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot write \(path)")
        defer { close(fd) }
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                precondition(n > 0, "cannot write \(path)")
                done += n
            }
        }
        return path
    }

    /// Marks case `index` as running; its input should already be at `inputPath` if it is a file.
    func start(_ index: Int) {
        lock.lock(); current = index; started = Date(); lock.unlock()
    }

    /// Records the case's outcome: nil for an accepted input, else the rejection's message.
    func end(_ index: Int, rejection: String?) {
        lock.lock()
        let seconds = Date().timeIntervalSince(started)
        if seconds > slowest.seconds { slowest = (seconds, index) }
        current = -1
        if let rejection {
            rejected += 1
            messages.insert(Self.shape(of: rejection))
        } else {
            accepted += 1
        }
        lock.unlock()
    }

    /// A message with its quoted values and numbers blanked: distinct shapes are distinct
    /// kinds of rejection (the figure the summary line reports).
    private static func shape(of message: String) -> String {
        var out = [UInt8](), quote: UInt8? = nil
        for b in message.utf8 {
            if let q = quote { if b == q { quote = nil }; continue }
            if b == 0x27 || b == 0x22 { quote = b; out.append(0x5F); continue }
            if (0x30 ... 0x39).contains(b) { if out.last != 0x23 { out.append(0x23) }; continue }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Stops the watchdog, removes the files and prints the figures the README quotes.
    func finish() {
        lock.lock(); finished = true; lock.unlock()
        try? FileManager.default.removeItem(at: folder)
        let total = accepted + rejected
        print(String(format: "fuzz %@: %d cases in %.1f s (seed %llu): %d accepted, %d rejected with %d distinct messages; slowest case #%d took %.3f s",
                     kind, total, Date().timeIntervalSince(begin), FuzzSettings.seed, accepted, rejected, messages.count,
                     slowest.index, slowest.seconds))
    }

    /// Every few seconds: a case running longer than the limit is a hang. The test process
    /// stops with a message naming the case (its input is left in `folder`).
    private func watch() {
        while true {
            Thread.sleep(forTimeInterval: 2)
            lock.lock()
            let (done, index, running) = (finished, current, Date().timeIntervalSince(started))
            lock.unlock()
            if done { return }
            if index >= 0, running > FuzzSettings.hangSeconds {
                fatalError("fuzz \(kind): case #\(index) (seed \(FuzzSettings.seed)) hangs: still running after \(Int(running)) s; its input is in \(folder.path)")
            }
        }
    }
}

/// What every rejection must look like (SPEC §6): one line, short, naming `place`.
func checkMessage(_ text: String, names place: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertFalse(text.contains("\n") || text.contains("\r"), "\(what): the message spans lines: \(text.prefix(300))", file: file, line: line)
    XCTAssertLessThanOrEqual(text.utf8.count, 2_000 + place.utf8.count, "\(what): message too long: \(text.prefix(300))…", file: file, line: line)
    XCTAssertTrue(text.contains(place), "\(what): '\(place)' not named in: \(text.prefix(300))", file: file, line: line)
}

extension XCTestCase {
    func requireBinary() throws {
        guard FileManager.default.isExecutableFile(atPath: CLIRunner.binary.path) else {
            throw XCTSkip("SKIPPED: the seglab binary is not built at \(CLIRunner.binary.path) (run `swift build` first)")
        }
    }

    /// Writes each input as `fileName` in a copy of `dir` and runs `seglab validate e.json`
    /// there, two at a time. Each run must exit 0 saying "valid", or exit 2 with exactly one
    /// line on stderr that names one of `mustName`; a signal (crash), a hang or a stack trace
    /// fails the test.
    func runThroughBinary(_ inputs: [[UInt8]], kind: String, in dir: URL, fileName: String, mustName: [String]) throws {
        let session = try FuzzSession(kind: kind, watchdog: false)
        let workers = 2
        let folders = try (0 ..< workers).map { w -> URL in
            let f = session.folder.appendingPathComponent("worker\(w)")
            try FileManager.default.copyItem(at: dir, to: f)
            return f
        }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var all: [(Int, CLIRunner.Result)] = []
            var errors: [Error] = []
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for index in stride(from: w, to: inputs.count, by: workers) {
                do {
                    try Data(inputs[index]).write(to: folders[w].appendingPathComponent(fileName))
                    session.start(index)
                    let r = try CLIRunner.run(["validate", "e.json"], in: folders[w], timeout: FuzzSettings.hangSeconds)
                    session.end(index, rejection: r.status == 0 ? nil : r.stderr)
                    results.lock.lock(); results.all.append((index, r)); results.lock.unlock()
                } catch {
                    results.lock.lock(); results.errors.append(error); results.lock.unlock()
                }
            }
        }
        XCTAssertTrue(results.errors.isEmpty, "\(results.errors)")
        for (index, r) in results.all.sorted(by: { $0.0 < $1.0 }) {
            let what = "\(kind) case #\(index) (seed \(FuzzSettings.seed))"
            XCTAssertFalse(r.timedOut, "\(what): hangs")
            XCTAssertFalse(r.signalled, "\(what): killed by signal \(r.status): \(r.stderr.prefix(500))")
            XCTAssertTrue(r.status == 0 || r.status == 2, "\(what): exit \(r.status): \(r.stderr.prefix(500))")
            XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Stack dump"), "\(what): \(r.stderr.prefix(500))")
            if r.status == 0 {
                XCTAssertTrue(r.stdout.contains(": valid"), "\(what): \(r.stdout.prefix(300))")
            } else if r.status == 2 {
                XCTAssertTrue(r.stderr.hasPrefix("error: ") && r.stderr.hasSuffix("\n"), "\(what): \(r.stderr.prefix(300))")
                let message = String(r.stderr.dropLast())
                checkMessage(message, names: mustName.first { message.contains($0) } ?? mustName.joined(separator: " or "), what)
            }
        }
        session.finish()
    }
}
