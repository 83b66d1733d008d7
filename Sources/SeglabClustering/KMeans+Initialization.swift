import SeglabNumerics

extension KMeans {
    /// Greedy k-means++ (scikit-learn's `_kmeans_plusplus`): the first centre is a uniform
    /// row; each next one is the best of `2 + ⌊ln k⌋` rows drawn with probability ∝ D²,
    /// "best" meaning the lowest resulting potential (first candidate on ties).
    func kMeansPlusPlus(_ x: Matrix, rng: inout Xoshiro256StarStar) -> Matrix {
        x.selectingRows(kMeansPlusPlusIndices(x, rng: &rng))
    }

    /// The rows `kMeansPlusPlus` picks, in the order it picks them.
    func kMeansPlusPlusIndices(_ x: Matrix, rng: inout Xoshiro256StarStar) -> [Int] {
        var listedRows = 0
        return kMeansPlusPlusIndices(x, rng: &rng, listedRows: &listedRows)
    }

    /// `kMeansPlusPlusIndices`, also counting in `listedRows` the rows whose distances to the
    /// candidates were computed, summed over the centres after the first (the others were in
    /// blocks the triangle inequality decided; tests check that it decides some).
    ///
    /// Exact, with the triangle inequality (as in Raff, "Exact acceleration of K-Means++ and
    /// K-Means‖", 2021): a row whose distance to its nearest chosen centre a is D̃ (computed)
    /// cannot come closer to a candidate c when D̃ + E ≤ ‖a − c‖²/4, E bounding the error of a
    /// computed squared distance (`Bound.squaredDistanceError`): then ‖x − c‖ ≥ ‖a − c‖ −
    /// ‖x − a‖ ≥ √(D̃ + E), so c's computed distance is at least D̃, and min(D̃, distance) —
    /// all that the potentials and the nearest-centre distances take from it — is D̃ without
    /// computing it. Computed or not, the result is the same, so every potential, draw and
    /// choice is the plain algorithm's to the bit.
    ///
    /// Per centre: the draws are located by the potential's chunk sums (`firstIndices`: the
    /// rows numpy's `cumsum` and `searchsorted` give); the candidates are scored chunk by chunk
    /// (`Kernels.plusPlusPass`), the rows read in order a block at a time, a block skipped when
    /// the triangle inequality decides all its rows; the chosen one is folded into a chunk's
    /// nearest-centre distances when the chunk is next read, its distances computed again in
    /// that pass (cheaper than keeping every row's distances to every candidate until then).
    func kMeansPlusPlusIndices(_ x: Matrix, rng: inout Xoshiro256StarStar, listedRows: inout Int) -> [Int] {
        let n = x.rows, d = x.cols
        let trials = 2 + Int(_log(Double(k)))
        var chosen = [rng.nextInt(below: n)]
        let closest = UnsafeMutablePointer<Double>.allocate(capacity: n)
        // The position in `chosen` of the centre each row's `closest` is the distance to.
        let owner = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        let chunks = Parallel.chunkRanges(count: n, chunkSize: Kernels.rowChunk)
        let folded = UnsafeMutablePointer<Bool>.allocate(capacity: chunks.count)
        folded.initialize(repeating: true, count: chunks.count)
        defer {
            closest.deallocate()
            owner.deallocate()
            folded.deallocate()
        }
        // Each row's distance to the first centre (folded into +∞), and per chunk their sum over
        // its rows in order (the bits of the same centre scored: min(d, d) added row after row
        // from 0) and its rows' largest squared norm (every row is read); the potential is the
        // chunks' sum in chunk order. No threshold decides anything yet.
        let firstCenter = PackedCenters(x.selectingRows(chosen))
        let first = PlusPlusFold(candidates: firstCenter, trial: 0, position: 0, thresholds: [-.infinity])
        let firstPass = x.storage.withUnsafeBufferPointer { xs in
            Parallel.mapChunks(count: n, chunkSize: Kernels.rowChunk) { rows -> (potential: Double, largestNorm: Double) in
                (closest + rows.lowerBound).initialize(repeating: .infinity, count: rows.count)
                (owner + rows.lowerBound).initialize(repeating: 0, count: rows.count)
                let pass = Kernels.plusPlusPass(xs.baseAddress!, rows: rows, closest: closest, owner: owner,
                                                fold: first, score: nil)
                var potential = 0.0
                for i in rows { potential += closest[i] }
                return (potential, pass.largestNorm)
            }
        }
        var chunkSums = firstPass.map(\.potential)
        var potential = chunkSums.reduce(0, +)
        // Centres are rows, so max‖x‖ bounds max‖c‖ too.
        let rowNormBound = Bound.up((firstPass.map(\.largestNorm).max() ?? 0).squareRoot())
        let error = Bound.squaredDistanceError(dims: d, normSum: Bound.up(2 * rowNormBound))
        // The last chosen candidate, folded into a chunk's `closest` and `owner` only when the
        // chunk is read next, by a draw or by the next scoring (which folds it first, block by
        // block, with the rows in cache).
        var pending: PlusPlusFold?
        x.storage.withUnsafeBufferPointer { xs in
            let xp = xs.baseAddress!
            // The fold a chunk still owes (nil once taken), taken by the pass that reads it.
            func owedFold(_ chunk: Int) -> PlusPlusFold? {
                guard !folded[chunk] else { return nil }
                folded[chunk] = true
                return pending
            }
            func fold(_ chunk: Int) {
                guard let owed = owedFold(chunk) else { return }
                _ = Kernels.plusPlusPass(xp, rows: chunks[chunk], closest: closest, owner: owner, fold: owed, score: nil)
            }
            for step in 1 ..< k {
                let targets = (0 ..< trials).map { _ in rng.nextDouble() * potential }
                let candidates = Self.firstIndices(in: UnsafeBufferPointer(start: closest, count: n), chunkSums: chunkSums,
                                                   chunkSize: Kernels.rowChunk, reaching: targets, prepare: fold)
                let packed = PackedCenters(x.selectingRows(candidates))
                let thresholds = Self.decidedThresholds(x, centers: chosen, candidates: candidates, error: error)
                let listing = thresholds.map { $0.min()! }
                // Per chunk: per candidate Σ min(closest, distance) over its rows in row
                // order, and how many rows it listed.
                let scored = Parallel.mapChunks(count: n, chunkSize: Kernels.rowChunk) { rows in
                    Kernels.plusPlusPass(xp, rows: rows, closest: closest, owner: owner,
                                         fold: owedFold(rows.lowerBound / Kernels.rowChunk), score: (packed, listing))
                }
                var pots = [Double](repeating: 0, count: trials)
                for chunk in scored {
                    for t in 0 ..< trials { pots[t] += chunk.potentials[t] }
                    listedRows += chunk.listed
                }
                var best = 0
                for t in 1 ..< trials where pots[t] < pots[best] { best = t }
                chosen.append(candidates[best])
                potential = pots[best]
                chunkSums = scored.map { $0.potentials[best] }
                pending = PlusPlusFold(candidates: packed, trial: best, position: Int32(step),
                                       thresholds: thresholds.map { $0[best] })
                folded.update(repeating: false, count: chunks.count)
            }
        }
        return chosen
    }

    /// Per chosen centre a (by position in `centers`, rows of `x`) and candidate c: a row
    /// nearest to a with squared distance at most this cannot come strictly nearer to c, its
    /// computed distance included: ‖a − c‖²/4 − E, rounded down (−∞ when not a number, which
    /// decides nothing).
    static func decidedThresholds(_ x: Matrix, centers: [Int], candidates: [Int], error: Double) -> [[Double]] {
        let d = x.cols
        // A computed sum of d squared differences is within (d + 2)·2⁻⁵³ of the true one,
        // relatively: (d + 4)·2⁻⁵⁰ is ample.
        let shrink = 1 - Double(d + 4) * 0x1p-50
        return x.storage.withUnsafeBufferPointer { xs in
            centers.map { a in
                candidates.map { c in
                    let sum = Kernels.differencedSquaredDistance(xs.baseAddress! + a * d, xs.baseAddress! + c * d, count: d)
                    let threshold = Bound.down(Bound.down(Bound.down(sum * shrink) * 0.25) - error)
                    return threshold.isNaN ? -.infinity : threshold
                }
            }
        }
    }

    /// For each target, numpy's `searchsorted(cumsum(values), target)`: the first index whose
    /// running sum in row order is ≥ target (index 0 for a NaN target, as a binary search gives),
    /// clipped to the last index. `chunkSums[c]` is the sum of chunk c (`chunkSize` rows) in row
    /// order; all values are ≥ 0; `prepare(c)` is called before any value of chunk c is read.
    ///
    /// Without a serial walk of every row (a chain of n dependent additions): the chunk sums
    /// locate the target, and a walk from that chunk's start, begun at the sum of the chunks
    /// before it, gives sums within δ of the running sums (both are sums of the same
    /// non-negative numbers in n + 2·chunkSize + chunks roundings at most). When the row found
    /// has its sum ≥ target + δ and the one before < target − δ, the running sums cross the target
    /// at the same row; otherwise (a target within δ of a running sum) every row is walked.
    static func firstIndices(in values: UnsafeBufferPointer<Double>, chunkSums: [Double], chunkSize: Int,
                             reaching targets: [Double], prepare: (Int) -> Void = { _ in }) -> [Int] {
        let n = values.count
        // Every row walked, after its chunk is prepared.
        func serial() -> [Int] {
            for chunk in chunkSums.indices { prepare(chunk) }
            return serialFirstIndices(in: values, reaching: targets)
        }
        let total = chunkSums.reduce(0, +)
        let delta = Bound.up(Double(2 * (n + 2 * chunkSize + chunkSums.count + 2)) * 0x1p-53 * Bound.up(total * (1 + 0x1p-20)))
        guard delta.isFinite else { return serial() }
        var found = [Int]()
        for target in targets {
            if target.isNaN {
                found.append(0)
                continue
            }
            // Skip the chunks whose end is surely below the target.
            var chunk = 0, base = 0.0
            while chunk < chunkSums.count - 1 && base + chunkSums[chunk] < target - delta {
                base += chunkSums[chunk]
                chunk += 1
            }
            var i = chunk * chunkSize, running = base, previous = base, boundary = i
            while i < n {
                if i == boundary {
                    prepare(i / chunkSize)
                    boundary += chunkSize
                }
                previous = running
                running += values[i]
                if running >= target { break }
                i += 1
            }
            if i == n {
                // Every running sum is below the target: the last index.
                guard running < target - delta else { return serial() }
                found.append(n - 1)
            } else {
                guard running >= target + delta && (i == 0 || previous < target - delta) else { return serial() }
                found.append(i)
            }
        }
        return found
    }

    /// `firstIndices` by one walk of the running sum in row order, stopping at the last target.
    static func serialFirstIndices(in values: UnsafeBufferPointer<Double>, reaching targets: [Double]) -> [Int] {
        var found = targets.map { $0.isNaN ? 0 : values.count - 1 }
        let order = targets.indices.filter { !targets[$0].isNaN }.sorted { targets[$0] < targets[$1] }
        guard var goal = order.first.map({ targets[$0] }) else { return found }
        var next = 0, running = 0.0
        for i in values.indices {
            running += values[i]
            guard running >= goal else { continue }
            repeat {
                found[order[next]] = i
                next += 1
            } while next < order.count && running >= targets[order[next]]
            guard next < order.count else { break }
            goal = targets[order[next]]
        }
        return found
    }
}
