import Foundation

/// The live progress line on stderr: done/total, failures, elapsed, ETA. On a terminal it
/// redraws one line; otherwise (logs, CI) it prints a line at most every few seconds.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    private var start = Date()
    private var lastPrint = Date.distantPast
    private var lastDone = -1
    private let isTerminal = isatty(STDERR_FILENO) != 0

    func start(total: Int) {
        lock.lock(); defer { lock.unlock() }
        self.total = total
        start = Date()
        draw(done: 0, failed: 0, force: true)
    }

    func update(done: Int, failed: Int) {
        lock.lock(); defer { lock.unlock() }
        draw(done: done, failed: failed, force: done == total)
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if isTerminal && lastDone >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
        lastDone = -1
    }

    private func draw(done: Int, failed: Int, force: Bool) {
        let now = Date()
        guard force || isTerminal || now.timeIntervalSince(lastPrint) >= 5 else { return }
        lastPrint = now
        lastDone = done
        let elapsed = now.timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : nil
        let line = "[\(done)/\(total)] \(failed) failed, \(Self.clock(elapsed)) elapsed, ETA \(eta.map(Self.clock) ?? "--:--")"
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }

    static func clock(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%02d:%02d", t / 60, t % 60)
    }
}
