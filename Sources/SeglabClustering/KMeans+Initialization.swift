import SeglabNumerics

extension KMeans {
    /// Greedy k-means++ (scikit-learn's `_kmeans_plusplus`): the first centre is a uniform
    /// row; each next one is the best of `2 + ⌊ln k⌋` rows drawn with probability ∝ D²,
    /// "best" meaning the lowest resulting potential (first candidate on ties).
    ///
    /// One read of the data per centre: the pass that scores the candidates keeps their
    /// distances, and the chosen one's are folded into the nearest-centre distances in the
    /// same sequential pass that builds the next draw's cumulative sums.
    func kMeansPlusPlus(_ x: Matrix, xNorms: [Double], rng: inout Xoshiro256StarStar) -> Matrix {
        x.selectingRows(kMeansPlusPlusIndices(x, xNorms: xNorms, rng: &rng))
    }

    /// The rows `kMeansPlusPlus` picks, in the order it picks them.
    func kMeansPlusPlusIndices(_ x: Matrix, xNorms: [Double], rng: inout Xoshiro256StarStar) -> [Int] {
        let n = x.rows
        let trials = 2 + Int(_log(Double(k)))
        var chosen = [rng.nextInt(below: n)]
        var closest = PackedCenters(x.selectingRows(chosen)).nearest(x, xNorms: xNorms).minSqDist
        var potential = Parallel.mapChunks(count: n, chunkSize: Kernels.rowChunk) { rows in
            rows.reduce(0.0) { $0 + closest[$1] }
        }.reduce(0, +)
        var cumulative = [Double](repeating: 0, count: n)
        // Each candidate's distance to every row, candidate-major.
        var candidateDistances = [Double](repeating: 0, count: trials * n)
        var chosenTrial: Int?
        for _ in 1 ..< k {
            // Fold the last chosen candidate in (a row keeps its distance unless the candidate is
            // strictly closer), and the running sums of the draw, in one pass.
            closest.withUnsafeMutableBufferPointer { cb in
                cumulative.withUnsafeMutableBufferPointer { sums in
                    candidateDistances.withUnsafeBufferPointer { all in
                        var running = 0.0
                        if let t = chosenTrial {
                            let d = all.baseAddress! + t * n
                            for i in 0 ..< n {
                                // A select, not a branch: whether a row is closer is a coin toss.
                                let nearer = d[i] < cb[i] ? d[i] : cb[i]
                                cb[i] = nearer
                                running += nearer
                                sums[i] = running
                            }
                        } else {
                            for i in 0 ..< n {
                                running += cb[i]
                                sums[i] = running
                            }
                        }
                    }
                }
            }
            let candidates = (0 ..< trials).map { _ -> Int in
                let target = rng.nextDouble() * potential
                return Self.firstIndex(in: cumulative, reaching: target)
            }
            let packed = PackedCenters(x.selectingRows(candidates))
            // Per chunk, per candidate: Σ min(closest, distance) over the chunk's rows in row order.
            let partial = x.storage.withUnsafeBufferPointer { xs in
                xNorms.withUnsafeBufferPointer { ns in
                    closest.withUnsafeBufferPointer { cb in
                        candidateDistances.withUnsafeMutableBufferPointer { all in
                            Parallel.mapChunks(count: n, chunkSize: Kernels.rowChunk) { rows -> [Double] in
                                packed.distances(xs.baseAddress!, xNorms: ns.baseAddress!, rows: rows,
                                                 into: all.baseAddress! + rows.lowerBound, stride: n)
                                return Self.potentials(all.baseAddress!, stride: n, trials: trials,
                                                       closest: cb.baseAddress!, rows: rows)
                            }
                        }
                    }
                }
            }
            var pots = [Double](repeating: 0, count: trials)
            for p in partial { for t in 0 ..< trials { pots[t] += p[t] } }
            var bestTrial = 0
            for t in 1 ..< trials where pots[t] < pots[bestTrial] { bestTrial = t }
            chosen.append(candidates[bestTrial])
            potential = pots[bestTrial]
            chosenTrial = bestTrial
        }
        return chosen
    }

    /// Σ min(closest[i], distance of candidate t to row i) over `rows`, in row order, per candidate.
    static func potentials(_ distances: UnsafePointer<Double>, stride: Int, trials: Int,
                           closest: UnsafePointer<Double>, rows: Range<Int>) -> [Double] {
        var sums = [Double](repeating: 0, count: trials)
        sums.withUnsafeMutableBufferPointer { s in
            for i in rows {
                let c = closest[i]
                for t in 0 ..< trials {
                    let d = distances[t * stride + i]
                    s[t] += d < c ? d : c
                }
            }
        }
        return sums
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
