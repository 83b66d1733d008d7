import Foundation
import SeglabClustering
import SeglabData

/// The live progress line on stderr: done/total, failures, elapsed, an ETA from the runs
/// finished so far, and the runs in flight for longer than a few seconds with their stage and
/// iteration. On a terminal it redraws one line (at most four times a second); otherwise (logs,
/// CI) it prints a line at most every few seconds.
///
///     [12/36] 0 failed, 01:23 elapsed, ETA 02:10 | 3f2a91c0d4e1 kmeans k=9 init=random…: iteration 14/300, 6 s
final class ProgressLine: @unchecked Sendable {
    private struct Running {
        var label: String
        var started: Date
        var progress: FitContext.Progress?
    }

    private let lock = NSLock()
    private var total = 0, done = 0, failed = 0
    private var start = Date()
    private var lastPrint = Date.distantPast
    private var drawn = false
    private var running: [String: Running] = [:]
    private let isTerminal = isatty(STDERR_FILENO) != 0
    /// A run is shown once it has been in flight this long.
    static let showAfter = 3.0

    func start(total: Int) {
        lock.lock(); defer { lock.unlock() }
        self.total = total
        start = Date()
        draw(force: true)
    }

    /// Registers a run that starts now; the returned closure is the run's `FitContext` progress.
    func runStarted(_ run: PlannedRun) -> @Sendable (FitContext.Progress) -> Void {
        lock.lock()
        running[run.id] = Running(label: Self.label(run), started: Date(), progress: nil)
        lock.unlock()
        let id = run.id
        return { [weak self] p in self?.report(id, p) }
    }

    private func report(_ id: String, _ p: FitContext.Progress) {
        lock.lock(); defer { lock.unlock() }
        running[id]?.progress = p
        draw(force: false)
    }

    /// A run left the worker (completed, failed, stopped, or left to another runner).
    func runEnded(_ id: String) {
        lock.lock(); defer { lock.unlock() }
        running[id] = nil
    }

    /// The grid's counts so far.
    func update(done: Int, failed: Int) {
        lock.lock(); defer { lock.unlock() }
        self.done = done
        self.failed = failed
        draw(force: done == total)
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if isTerminal && drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }

    private func draw(force: Bool) {
        let now = Date()
        let interval = isTerminal ? 0.25 : 5
        guard force || now.timeIntervalSince(lastPrint) >= interval else { return }
        lastPrint = now
        drawn = true
        let elapsed = now.timeIntervalSince(start)
        // Throughput so far: with N workers, runs finish N at a time, which this accounts for.
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : nil
        var line = "[\(done)/\(total)] \(failed) failed, \(Self.clock(elapsed)) elapsed, ETA \(eta.map(Self.clock) ?? "--:--")"
        let long = running.values.filter { now.timeIntervalSince($0.started) >= Self.showAfter }.sorted { $0.started < $1.started }
        for r in long.prefix(2) {
            line += " | \(r.label)"
            if let p = r.progress {
                line += ": \(p.stage.map { "\($0) " } ?? "")iteration \(p.iteration)\(p.of.map { "/\($0)" } ?? "")"
            }
            line += ", \(Int(now.timeIntervalSince(r.started))) s"
        }
        if long.count > 2 { line += " | +\(long.count - 2) more" }
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }

    /// `<id> <algorithm> <param>=<value> …`, cut to a width that leaves room for the rest.
    static func label(_ run: PlannedRun) -> String {
        let params = run.parameters.values.keys.sorted().map { key -> String in
            let v: String
            switch run.parameters.values[key]! {
            case .int(let i): v = String(i)
            case .real(let d): v = JSONWriter.real(d)
            case .string(let s): v = s
            case .ints(let list): v = list.map(String.init).joined(separator: ",")
            case .null: v = "null"
            }
            return "\(key)=\(v)"
        }
        let text = ([run.id, run.algorithm.name] + params).joined(separator: " ")
        return text.count <= 48 ? text : String(text.prefix(47)) + "…"
    }

    static func clock(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%02d:%02d", t / 60, t % 60)
    }

    /// The progress of reading a data file: `reading <file>: 812 MB of 1.6 GB (49%)`, shown
    /// once the read has taken a second (a small file shows nothing); nil for synthetic data and tables.
    static func reading(_ source: DataSource) -> ReadProgress? {
        let path: String
        switch source {
        case .synthetic, .tables: return nil  // a tables source is read by its session, without progress
        case .customersCSV(let s): path = s.path
        case .transactionsCSV(let s): path = s.path
        }
        let state = ReadingState(name: (path as NSString).lastPathComponent, terminal: isatty(STDERR_FILENO) != 0)
        return { read, size in state.update(read, size) }
    }

    private final class ReadingState: @unchecked Sendable {
        let name: String, terminal: Bool
        let lock = NSLock()
        let start = Date()
        var lastPrint = Date.distantPast
        var drawn = false

        init(name: String, terminal: Bool) { self.name = name; self.terminal = terminal }

        func update(_ read: Int, _ size: Int) {
            lock.lock(); defer { lock.unlock() }
            let now = Date(), finished = read >= size
            guard now.timeIntervalSince(start) >= 1 || (finished && drawn) else { return }
            guard finished || now.timeIntervalSince(lastPrint) >= (terminal ? 0.25 : 5) else { return }
            lastPrint = now
            drawn = true
            let percent = size > 0 ? 100 * Double(read) / Double(size) : 100
            let text = "reading \(name): \(Self.bytes(read)) of \(Self.bytes(size)) (\(Int(percent))%), \(ProgressLine.clock(now.timeIntervalSince(start)))"
            FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[K" + text + (finished ? "\n" : "") : text + "\n").utf8))
        }

        static func bytes(_ n: Int) -> String {
            let v = Double(n)
            if v >= 1e9 { return String(format: "%.2f GB", v / 1e9) }
            if v >= 1e6 { return String(format: "%.0f MB", v / 1e6) }
            return String(format: "%.0f kB", v / 1e3)
        }
    }
}
