import Atomics
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A team of threads kept for many small parallel steps in a row: a network's mini-batches,
/// hundreds per second, each cut into a few fixed chunks. `Parallel.forEachChunk` hands each
/// step to Dispatch, whose idle workers sleep and take tens of microseconds to wake, on every
/// step; that was most of a 256-row batch's gain from a second core. Here the helpers spin
/// for a short while between steps (then sleep), as OpenMP's do.
///
/// The chunks are those of `Parallel.chunkRanges` and each writes only its own results, so
/// which thread runs which chunk never changes a result: the caller runs chunks too, taking
/// the next one from a shared counter, and a helper that is late (descheduled on a busy
/// machine) simply finds no chunk left. The caller then waits only for chunks already taken.
///
///     let team = ChunkTeam(threads: 2)
///     for batch in batches {
///         team.forEachChunk(count: 256, chunkSize: 64) { rows in work(batch, rows) }
///     }
public final class ChunkTeam: @unchecked Sendable {
    /// Threads that run chunks, the caller included.
    public let threads: Int
    private let shared: Shared
    private let stopped = DispatchGroup()

    /// One step: its chunks, the next chunk to take, the chunks done. A helper holds on to the
    /// step it saw, so one that wakes late takes from its own (finished) counter and never a
    /// chunk of the next step.
    private final class Step: AtomicReference, @unchecked Sendable {
        let ranges: [Range<Int>]
        let body: (Range<Int>) -> Void
        let next = ManagedAtomic<Int>(0)
        let done = ManagedAtomic<Int>(0)
        init(ranges: [Range<Int>], body: @escaping (Range<Int>) -> Void) { self.ranges = ranges; self.body = body }

        /// Runs chunks until none is left.
        func work() {
            while true {
                let c = next.loadThenWrappingIncrement(ordering: .relaxed)
                guard c < ranges.count else { return }
                body(ranges[c])
                done.wrappingIncrement(ordering: .releasing)
            }
        }
    }

    /// What the helpers see; the team itself is not retained by them, so dropping it stops them.
    private final class Shared: @unchecked Sendable {
        let step = ManagedAtomic<Step?>(nil)
        let stop = ManagedAtomic<Bool>(false)
        /// Per helper: whether it sleeps on its semaphore (and must be signalled).
        let asleep: [ManagedAtomic<Bool>]
        let wake: [DispatchSemaphore]
        init(helpers: Int) {
            asleep = (0 ..< helpers).map { _ in ManagedAtomic(false) }
            wake = (0 ..< helpers).map { _ in DispatchSemaphore(value: 0) }
        }
    }

    /// Polls of a new step before a helper sleeps (a poll is a few nanoseconds): well over the
    /// gap between two mini-batches (an optimiser step, tens of microseconds), well under a
    /// scheduler tick.
    static let spins = 100_000

    /// `threads` ≥ 1, the caller included; `threads - 1` helper threads start now and stop
    /// when the team is released.
    public init(threads: Int) {
        precondition(threads >= 1)
        self.threads = threads
        let shared = Shared(helpers: threads - 1)
        self.shared = shared
        for h in 0 ..< threads - 1 {
            stopped.enter()
            let group = stopped
            let thread = Thread {
                Self.helper(h, shared)
                group.leave()
            }
            thread.name = "seglab-team-\(h + 1)"
            thread.start()
        }
    }

    /// A team for steps of at most `maxChunks` chunks: `workers` threads (nil: one per core),
    /// never more than there are chunks.
    public convenience init(workers: Int?, maxChunks: Int) {
        self.init(threads: max(1, min(workers ?? ProcessInfo.processInfo.activeProcessorCount, maxChunks)))
    }

    deinit {
        shared.stop.store(true, ordering: .sequentiallyConsistent)
        for h in shared.wake.indices where shared.asleep[h].exchange(false, ordering: .sequentiallyConsistent) {
            shared.wake[h].signal()
        }
        stopped.wait()
    }

    private static func helper(_ h: Int, _ shared: Shared) {
        var seen: Step?
        while true {
            var polls = 0
            var step = shared.step.load(ordering: .acquiring)
            while step === seen {
                if shared.stop.load(ordering: .relaxed) { return }
                polls += 1
                // On a busy machine the caller (or another process) may be waiting for this
                // core: offer it now and then.
                if polls % 128 == 0 { sched_yield() }
                if polls >= spins {
                    // Sleep, unless a step or the stop came in between (then the caller may
                    // already have claimed the wake-up: take it so the semaphore stays at 0).
                    shared.asleep[h].store(true, ordering: .sequentiallyConsistent)
                    if shared.step.load(ordering: .sequentiallyConsistent) !== seen
                        || shared.stop.load(ordering: .sequentiallyConsistent) {
                        if !shared.asleep[h].exchange(false, ordering: .sequentiallyConsistent) { shared.wake[h].wait() }
                    } else {
                        shared.wake[h].wait()
                    }
                    polls = 0
                }
                step = shared.step.load(ordering: .acquiring)
            }
            seen = step
            step?.work()
        }
    }

    /// Runs `body` once for every chunk of `Parallel.chunkRanges(count:chunkSize:)` on the
    /// team's threads and returns when all are done. `body` may write only what belongs to
    /// its chunk (as `Parallel.forEachChunk`); it is not called after this returns.
    public func forEachChunk(count: Int, chunkSize: Int, _ body: @escaping (Range<Int>) -> Void) {
        let ranges = Parallel.chunkRanges(count: count, chunkSize: chunkSize)
        if threads == 1 || ranges.count <= 1 { ranges.forEach(body); return }
        let step = Step(ranges: ranges, body: body)
        shared.step.store(step, ordering: .sequentiallyConsistent)
        for h in shared.wake.indices where shared.asleep[h].exchange(false, ordering: .sequentiallyConsistent) {
            shared.wake[h].signal()
        }
        step.work()
        var polls = 0
        while step.done.load(ordering: .acquiring) < ranges.count {
            // A chunk still runs on a helper; give up the core now and then in case that
            // helper waits for it (a busy machine).
            polls += 1
            if polls % 128 == 0 { sched_yield() }
        }
    }
}
