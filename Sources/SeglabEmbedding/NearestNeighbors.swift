import SeglabNumerics

/// The exact k nearest neighbours of every row, itself excluded: `indices[i*k ..< (i+1)*k]`
/// and their squared distances, nearest first (the lower row index first on equal distance).
struct NeighborGraph {
    let rows: Int
    let k: Int
    let indices: [Int32]
    let squaredDistances: [Double]

    /// Blocked brute force: every row's squared distances to all rows (seglab's one distance
    /// formula, `Kernels.squaredDistance`'s expanded form, SIMD over 4 or 8 rows at a time), then
    /// a bounded max-heap keeps the k smallest. O(n²·d) work, O(n·k) memory; exact, with no
    /// tie left to a tree's traversal order. Rows are split in fixed chunks.
    init(_ x: Matrix, k: Int, workers: Int?) {
        precondition(k >= 1 && k < x.rows)
        let n = x.rows
        rows = n
        self.k = k
        let packed = PackedCenters(x)
        var indices = [Int32](repeating: 0, count: n * k)
        var distances = [Double](repeating: 0, count: n * k)
        x.storage.withUnsafeBufferPointer { xs in
            indices.withUnsafeMutableBufferPointer { ib in
                distances.withUnsafeMutableBufferPointer { db in
                    let ip = ib.baseAddress!, dp = db.baseAddress!
                    Parallel.forEachChunk(count: n, chunkSize: 256, workers: workers) { range in
                        // Eight rows at a time (the widest kernel's block): row b+q's
                        // distance to row j is at block[j × 8 + q].
                        let block = UnsafeMutablePointer<Double>.allocate(capacity: 8 * n)
                        var heap = NeighborHeap(capacity: k)
                        defer { block.deallocate() }
                        for b in stride(from: range.lowerBound, to: range.upperBound, by: 8) {
                            let rows = b ..< min(b + 8, range.upperBound)
                            packed.distances(xs.baseAddress!, rows: rows, into: block, stride: 8)
                            for i in rows {
                                heap.removeAll()
                                for j in 0 ..< n where j != i { heap.offer(block[j * 8 + i - b], index: j) }
                                heap.drainSorted(into: dp + i * k, ip + i * k)
                            }
                        }
                    }
                }
            }
        }
        self.indices = indices
        self.squaredDistances = distances
    }
}

/// The k smallest (distance, index) pairs offered in ascending index order: a max-heap on
/// (distance, index), so a later index never displaces an equal distance.
private struct NeighborHeap {
    let capacity: Int
    var distance: [Double]
    var index: [Int]
    var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        distance = [Double](repeating: 0, count: capacity)
        index = [Int](repeating: 0, count: capacity)
    }

    mutating func removeAll() { count = 0 }

    @inline(__always)
    private func above(_ a: Int, _ b: Int) -> Bool {
        distance[a] > distance[b] || (distance[a] == distance[b] && index[a] > index[b])
    }

    mutating func offer(_ d: Double, index j: Int) {
        if count < capacity {
            var c = count
            distance[c] = d; index[c] = j
            count += 1
            while c > 0 {
                let parent = (c - 1) / 2
                guard above(c, parent) else { break }
                distance.swapAt(c, parent); index.swapAt(c, parent)
                c = parent
            }
        } else if d < distance[0] {
            distance[0] = d; index[0] = j
            siftDown(from: 0, count: count)
        }
    }

    private mutating func siftDown(from start: Int, count: Int) {
        var p = start
        while true {
            let l = 2 * p + 1, r = l + 1
            var top = p
            if l < count && above(l, top) { top = l }
            if r < count && above(r, top) { top = r }
            if top == p { return }
            distance.swapAt(p, top); index.swapAt(p, top)
            p = top
        }
    }

    /// Writes the pairs nearest first and empties the heap.
    mutating func drainSorted(into distances: UnsafeMutablePointer<Double>, _ indices: UnsafeMutablePointer<Int32>) {
        var n = count
        while n > 0 {
            n -= 1
            distances[n] = distance[0]; indices[n] = Int32(index[0])
            distance.swapAt(0, n); index.swapAt(0, n)
            siftDown(from: 0, count: n)
        }
        count = 0
    }
}
