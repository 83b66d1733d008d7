import Dispatch

/// Data parallelism with a result that never depends on the number of workers.
///
/// Work is cut into chunks whose boundaries depend only on the problem size; each chunk's
/// result lands in its own slot and the slots are returned in chunk order, so an ordered
/// combine of them is bit-identical whether one thread or eight ran the chunks.
///
/// Concurrency contract: `body` runs on several threads at once, one call per chunk. It may
/// read shared data and write only what belongs to its own chunk (its rows of an output
/// buffer, its own locals); the kernels hand it unsafe buffers on those terms. Swift's
/// checker cannot express "disjoint writes", so `run` is the one place that opts out of it
/// (`nonisolated(unsafe)`), rather than a `@Sendable` body that every kernel would have to
/// satisfy with unchecked wrappers around its buffers.
///
///     let partial = Parallel.mapChunks(count: n, chunkSize: 4096) { range in
///         range.reduce(0.0) { $0 + x[$1] }
///     }
///     let total = partial.reduce(0, +)   // same bits on any machine load
public enum Parallel {
    /// The default chunk: 64 Ki elements.
    public static let defaultChunkSize = 65_536

    /// Fixed chunk boundaries of `0 ..< count`.
    public static func chunkRanges(count: Int, chunkSize: Int) -> [Range<Int>] {
        precondition(chunkSize > 0)
        guard count > 0 else { return [] }
        return stride(from: 0, to: count, by: chunkSize).map { $0 ..< min($0 + chunkSize, count) }
    }

    /// Runs `body` on every chunk, concurrently when there is more than one, and returns the
    /// results in chunk order. `workers` caps the threads (nil: as many as Dispatch gives);
    /// the chunks, and so the results, are the same whatever it is.
    public static func mapChunks<T>(count: Int, chunkSize: Int = defaultChunkSize, workers: Int? = nil,
                                    _ body: (Range<Int>) -> T) -> [T] {
        let ranges = chunkRanges(count: count, chunkSize: chunkSize)
        if ranges.count <= 1 || workers == 1 { return ranges.map(body) }
        var slots = [T?](repeating: nil, count: ranges.count)
        slots.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            run(ranges.count, workers: workers) { c in (base + c).pointee = body(ranges[c]) }
        }
        return slots.map { $0! }
    }

    /// Runs `body` on every chunk, concurrently when there is more than one; for bodies that
    /// write disjoint parts of a shared output. `workers` as in `mapChunks`.
    public static func forEachChunk(count: Int, chunkSize: Int = defaultChunkSize, workers: Int? = nil,
                                    _ body: (Range<Int>) -> Void) {
        let ranges = chunkRanges(count: count, chunkSize: chunkSize)
        if ranges.count <= 1 || workers == 1 { ranges.forEach(body); return }
        run(ranges.count, workers: workers) { c in body(ranges[c]) }
    }

    /// Chunk indices `0 ..< chunks` on Dispatch; with a worker cap, worker w takes chunks
    /// w, w + workers, w + 2·workers, …
    private static func run(_ chunks: Int, workers: Int?, _ chunk: (Int) -> Void) {
        nonisolated(unsafe) let chunk = chunk  // see the concurrency contract above
        guard let workers, workers < chunks else {
            DispatchQueue.concurrentPerform(iterations: chunks) { c in chunk(c) }
            return
        }
        precondition(workers >= 1, "workers must be at least 1")
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for c in stride(from: w, to: chunks, by: workers) { chunk(c) }
        }
    }
}
