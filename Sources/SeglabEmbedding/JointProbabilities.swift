/// The symmetric joint probabilities P = (C + Cᵀ) / sum(C + Cᵀ) of t-SNE, where C holds the
/// conditional probabilities p(j | i) of each row's k neighbours: a sparse matrix in
/// compressed rows, columns ascending within a row (scikit-learn's `csr_array` sum).
struct JointProbabilities {
    let rows: Int
    /// Row i's entries are `rowStart[i] ..< rowStart[i + 1]`.
    let rowStart: [Int]
    let columns: [Int32]
    let values: [Double]

    init(graph: NeighborGraph, conditional: [Double]) {
        let n = graph.rows, k = graph.k
        rows = n
        // Every pair (i, j) of the graph lands in row i and in row j.
        var counts = [Int](repeating: k, count: n + 1)
        for j in graph.indices { counts[Int(j)] += 1 }
        var start = [Int](repeating: 0, count: n + 1)
        for i in 0 ..< n { start[i + 1] = start[i] + counts[i] }
        var fill = Array(start[0 ..< n])
        var cols = [Int32](repeating: 0, count: start[n])
        var vals = [Double](repeating: 0, count: start[n])
        for i in 0 ..< n {
            for e in i * k ..< (i + 1) * k {
                let j = Int(graph.indices[e]), v = conditional[e]
                cols[fill[i]] = Int32(j); vals[fill[i]] = v; fill[i] += 1
                cols[fill[j]] = Int32(i); vals[fill[j]] = v; fill[j] += 1
            }
        }
        // Sort each row by column and merge the (at most two) entries of a pair: a + b is
        // the same in either order.
        var outStart = [Int](repeating: 0, count: n + 1)
        var outColumns = [Int32](), outValues = [Double]()
        outColumns.reserveCapacity(start[n]); outValues.reserveCapacity(start[n])
        for i in 0 ..< n {
            let entries = (start[i] ..< start[i + 1]).sorted { cols[$0] != cols[$1] ? cols[$0] < cols[$1] : $0 < $1 }
            for e in entries {
                if outColumns.count > outStart[i] && outColumns.last == cols[e] {
                    outValues[outValues.count - 1] += vals[e]
                } else {
                    outColumns.append(cols[e]); outValues.append(vals[e])
                }
            }
            outStart[i + 1] = outColumns.count
        }
        let total = max(outValues.reduce(0, +), Double.ulpOfOne)
        rowStart = outStart
        columns = outColumns
        values = outValues.map { $0 / total }
    }
}
