import Dispatch
import Foundation

/// What a fit may ask of the runner while it works: whether it should stop, where to report
/// its progress, and a cache shared by the runs of one feature set.
///
/// Nothing here may change a result: a fit calls `checkpoint` between iterations (so Ctrl-C,
/// SIGTERM and `--run-timeout` take effect mid-run), and anything it keeps in `cache` must be
/// what it would compute anyway (e.g. an agglomerative tree shared by every `k`).
///
///     for iteration in 0 ..< maxIter {
///         try context.checkpoint(iteration: iteration + 1, of: maxIter)
///         …
///     }
public final class FitContext: Sendable {
    /// Where a fit stands, for the progress line.
    public struct Progress: Sendable, Equatable {
        /// What the fit is doing (`"lloyd"`, `"em"`, `"epoch"`, …), or nil for its main loop.
        public var stage: String?
        public var iteration: Int
        /// The iteration limit, when there is one.
        public var of: Int?

        public init(stage: String? = nil, iteration: Int, of: Int? = nil) {
            self.stage = stage; self.iteration = iteration; self.of = of
        }
    }

    public let cache: FitCache
    /// The most threads the deep models' network kernels use (nil: as many as Dispatch gives;
    /// K-Means' own kernels do not read it). Results never depend on it (fixed chunks,
    /// combined in order); tests and benchmarks set it.
    public let workers: Int?
    private let deadline: DispatchTime?
    private let stopRequested: @Sendable () -> Bool
    private let report: @Sendable (Progress) -> Void

    /// - Parameters:
    ///   - cache: shared by the runs of one feature set.
    ///   - timeout: seconds after which `checkpoint` throws `FitStopped.timeout`.
    ///   - stopRequested: polled by `checkpoint`; true makes it throw `FitStopped.interrupted`.
    ///   - progress: receives every checkpoint's position.
    ///   - workers: caps the threads of the deep models' network kernels.
    public init(cache: FitCache = FitCache(), timeout: Double? = nil,
                stopRequested: @escaping @Sendable () -> Bool = { false },
                progress: @escaping @Sendable (Progress) -> Void = { _ in }, workers: Int? = nil) {
        self.cache = cache
        self.workers = workers
        self.deadline = timeout.map { DispatchTime.now() + $0 }
        self.stopRequested = stopRequested
        self.report = progress
    }

    private init(cache: FitCache, workers: Int?, deadline: DispatchTime?, stopRequested: @escaping @Sendable () -> Bool,
                 report: @escaping @Sendable (Progress) -> Void) {
        self.cache = cache; self.workers = workers; self.deadline = deadline
        self.stopRequested = stopRequested; self.report = report
    }

    /// The same stop flag, deadline, progress and workers with a cache of its own: for a fit on
    /// a matrix other than the feature set's (a deep model's codes), whose cached facts of the
    /// matrix (`KMeans`' row norms, …) would otherwise be taken for the feature set's.
    public func withOwnCache() -> FitContext {
        FitContext(cache: FitCache(), workers: workers, deadline: deadline, stopRequested: stopRequested, report: report)
    }

    /// A context that never stops a fit and reports nowhere (tests, `assign`, benchmarks).
    public static func detached() -> FitContext { FitContext() }

    /// Reports progress, then throws if the run must stop (interrupted, or past its time limit).
    public func checkpoint(stage: String? = nil, iteration: Int, of total: Int? = nil) throws {
        report(Progress(stage: stage, iteration: iteration, of: total))
        try checkStop()
    }

    /// Throws if the run must stop; for long loops that have no iteration to report.
    public func checkStop() throws {
        if stopRequested() { throw FitStopped.interrupted }
        if let deadline, DispatchTime.now() >= deadline { throw FitStopped.timeout }
    }
}

/// Why a fit stopped before its end. Not a failure of the algorithm: the runner records
/// `interrupted` or a `failed` run with reason `timeout`.
public enum FitStopped: Error, Sendable, Equatable, CustomStringConvertible {
    case interrupted
    case timeout

    public var description: String {
        switch self {
        case .interrupted: return "interrupted"
        case .timeout: return "timeout"
        }
    }
}

/// Values computed once and shared by the runs of one feature set, keyed by what they depend
/// on (e.g. `"agglomerative.tree.ward"`). The first run to ask computes; a run asking for the
/// same key meanwhile waits for it. A computation that throws is not cached.
public final class FitCache: @unchecked Sendable {
    private let condition = NSCondition()
    private var values: [String: any Sendable] = [:]
    private var computing: Set<String> = []

    public init() {}

    public func value<T: Sendable>(for key: String, _ make: () throws -> T) throws -> T {
        condition.lock()
        while true {
            if let v = values[key] {
                condition.unlock()
                guard let typed = v as? T else { preconditionFailure("FitCache: \(key) holds a \(type(of: v)), not a \(T.self)") }
                return typed
            }
            if !computing.contains(key) { break }
            condition.wait()
        }
        computing.insert(key)
        condition.unlock()
        let result: T
        do {
            result = try make()
        } catch {
            condition.lock(); computing.remove(key); condition.broadcast(); condition.unlock()
            throw error
        }
        condition.lock()
        values[key] = result
        computing.remove(key)
        condition.broadcast()
        condition.unlock()
        return result
    }
}
