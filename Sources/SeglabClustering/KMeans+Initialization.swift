import SeglabNumerics

extension KMeans {
    /// Greedy k-means++ (scikit-learn's `_kmeans_plusplus`): the first centre is a uniform
    /// row; each next one is the best of `2 + ⌊ln k⌋` rows drawn with probability ∝ D²,
    /// "best" meaning the lowest resulting potential (first candidate on ties).
    ///
    /// One read of the data per centre: the pass that scores the candidates also notes, per
    /// candidate, the rows it brings closer, so the chosen one's improvements are applied
    /// without computing its distances again.
    func kMeansPlusPlus(_ x: Matrix, xNorms: [Double], rng: inout Xoshiro256StarStar) -> Matrix {
        let n = x.rows
        let trials = 2 + Int(_log(Double(k)))
        var chosen = [rng.nextInt(below: n)]
        var closest = PackedCenters(x.selectingRows(chosen)).nearest(x, xNorms: xNorms).minSqDist
        var potential = Parallel.mapChunks(count: n, chunkSize: Kernels.rowChunk) { rows in
            rows.reduce(0.0) { $0 + closest[$1] }
        }.reduce(0, +)
        var cumulative = [Double](repeating: 0, count: n)
        for _ in 1 ..< k {
            var running = 0.0
            for i in 0 ..< n {
                running += closest[i]
                cumulative[i] = running
            }
            let candidates = (0 ..< trials).map { _ -> Int in
                let target = rng.nextDouble() * potential
                return Self.firstIndex(in: cumulative, reaching: target)
            }
            let packed = PackedCenters(x.selectingRows(candidates))
            let partial = x.storage.withUnsafeBufferPointer { xs in
                xNorms.withUnsafeBufferPointer { ns in
                    closest.withUnsafeBufferPointer { cb in
                        Parallel.mapChunks(count: n, chunkSize: Kernels.rowChunk) { rows in
                            Self.scoreCandidates(packed, xs.baseAddress!, ns.baseAddress!, closest: cb.baseAddress!, rows: rows)
                        }
                    }
                }
            }
            var pots = [Double](repeating: 0, count: trials)
            for p in partial { for t in 0 ..< trials { pots[t] += p.sums[t] } }
            var bestTrial = 0
            for t in 1 ..< trials where pots[t] < pots[bestTrial] { bestTrial = t }
            chosen.append(candidates[bestTrial])
            potential = pots[bestTrial]
            for p in partial { for m in p.improved[bestTrial] { closest[m.row] = m.distance } }
        }
        return x.selectingRows(chosen)
    }

    /// A row that a candidate brings closer than its current nearest centre.
    struct Improvement {
        var row: Int
        var distance: Double
    }

    /// One chunk's view of the candidates: per candidate, Σ min(closest, distance) over the
    /// chunk's rows in row order, and the rows it improves (distance < closest), in row order.
    struct CandidateChunk {
        var sums: [Double]
        var improved: [[Improvement]]
    }

    static func scoreCandidates(_ packed: PackedCenters, _ x: UnsafePointer<Double>, _ xNorms: UnsafePointer<Double>,
                                closest: UnsafePointer<Double>, rows: Range<Int>) -> CandidateChunk {
        let trials = packed.count
        var part = CandidateChunk(sums: [Double](repeating: 0, count: trials),
                                  improved: [[Improvement]](repeating: [], count: trials))
        withUnsafeTemporaryAllocation(of: Double.self, capacity: rows.count * trials) { dist in
            packed.distances(x, xNorms: xNorms, rows: rows, into: dist.baseAddress!)
            for (q, i) in rows.enumerated() {
                for t in 0 ..< trials {
                    let dt = dist[q * trials + t]
                    if dt < closest[i] {
                        part.sums[t] += dt
                        part.improved[t].append(Improvement(row: i, distance: dt))
                    } else {
                        part.sums[t] += closest[i]
                    }
                }
            }
        }
        return part
    }

    /// numpy's `searchsorted(cumulative, target)` (first index whose value is ≥ target),
    /// clipped to the last index.
    static func firstIndex(in cumulative: [Double], reaching target: Double) -> Int {
        var lo = 0, hi = cumulative.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] < target { lo = mid + 1 } else { hi = mid }
        }
        return min(lo, cumulative.count - 1)
    }
}
