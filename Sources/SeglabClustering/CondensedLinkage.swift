import SeglabNumerics

/// Complete and average (UPGMA) linkage exactly as SciPy's `linkage` computes them for
/// scikit-learn's `AgglomerativeClustering`: the condensed matrix of the n(n−1)/2 Euclidean
/// distances between rows, the nearest-neighbour chain (`nn_chain`: start at the lowest live
/// cluster, take the nearest, the lowest-numbered among equals and the previous link when it
/// is as near, merge mutual nearest neighbours into the higher number) and the
/// Lance–Williams updates: complete max(d(a,i), d(b,i)), average
/// (|a|·d(a,i) + |b|·d(b,i)) / (|a| + |b|).
///
/// Memory is the matrix: 8·n(n−1)/2 bytes (`Agglomerative.memoryEstimate`).
enum CondensedLinkage {
    enum Update: Sendable {
        case complete, average
    }

    static func tree(_ x: Matrix, update: Update, context: FitContext) throws -> Dendrogram {
        let n = x.rows
        var dist = try distances(x, context: context)
        var sizes = [Double](repeating: 1, count: n)
        var live = (0 ..< n).map { $0 }
        var merges = [(Int32, Int32, Double)]()
        merges.reserveCapacity(max(n - 1, 0))
        var stack = [Int]()
        // Row i's distances to rows j > i start at offset(i) − i − 1 + j.
        let offset = (0 ..< n).map { i in n * i - i * (i + 1) / 2 }
        try dist.withUnsafeMutableBufferPointer { db in
            let d = db.baseAddress!
            @inline(__always) func at(_ i: Int, _ j: Int) -> Int { i < j ? offset[i] + j - i - 1 : offset[j] + i - j - 1 }
            var alive = n
            for step in 0 ..< max(n - 1, 0) {
                if step % 1024 == 0 { try context.checkpoint(stage: "linkage", iteration: step, of: n - 1) }
                if stack.isEmpty { stack.append(live.first { sizes[$0] > 0 }!) }
                var a = 0, b = 0, current = 0.0
                while true {
                    a = stack[stack.count - 1]
                    b = stack.count > 1 ? stack[stack.count - 2] : -1
                    current = b >= 0 ? d[at(a, b)] : .infinity
                    let previous = b
                    for i in live where i != a && sizes[i] > 0 {
                        let v = d[at(a, i)]
                        if v < current {
                            current = v
                            b = i
                        }
                    }
                    if b == previous { break }
                    stack.append(b)
                }
                stack.removeLast(2)
                let (drop, keep) = a < b ? (a, b) : (b, a)
                let sd = sizes[drop], sk = sizes[keep]
                merges.append((Int32(drop), Int32(keep), current))
                sizes[drop] = 0
                sizes[keep] = sd + sk
                alive -= 1
                for i in live where i != keep && sizes[i] > 0 {
                    let fromDrop = d[at(i, drop)], toKeep = at(i, keep)
                    switch update {
                    case .complete: d[toKeep] = max(fromDrop, d[toKeep])
                    case .average: d[toKeep] = (sd * fromDrop + sk * d[toKeep]) / (sd + sk)
                    }
                }
                if live.count >= 64 && alive * 2 <= live.count { live.removeAll { sizes[$0] == 0 } }
            }
        }
        return Dendrogram(leaves: n, merges: merges)
    }

    /// The condensed matrix: √Σ(x_i − x_j)² for i < j, row after row (SciPy's `pdist` layout).
    static func distances(_ x: Matrix, context: FitContext) throws -> [Double] {
        let n = x.rows, d = x.cols
        var out = [Double](repeating: 0, count: n * (n - 1) / 2)
        try x.storage.withUnsafeBufferPointer { xs in
            try out.withUnsafeMutableBufferPointer { ob in
                let xp = xs.baseAddress!, op = ob.baseAddress!
                for lower in stride(from: 0, to: n, by: 4096) {
                    try context.checkStop()
                    Parallel.forEachChunk(count: min(4096, n - lower), chunkSize: 64) { rows in
                        for i in rows.lowerBound + lower ..< rows.upperBound + lower {
                            let base = n * i - i * (i + 1) / 2 - i - 1
                            for j in i + 1 ..< n {
                                op[base + j] = Kernels.differencedSquaredDistance(xp + i * d, xp + j * d, count: d).squareRoot()
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
