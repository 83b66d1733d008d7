/// A hierarchical clustering of n rows: its n − 1 merges in increasing height.
///
/// Each merge joins the clusters that hold two given rows (for the nearest-neighbour chain
/// these are the two clusters' slots, which always hold the slot's own row). Merges are in
/// the order scikit-learn's children come in: SciPy's `linkage` output (or the minimum
/// spanning tree's edges), stably sorted by height, so merges of equal height keep the order
/// they were made in. Cutting at `k` clusters undoes the last k − 1 of them, as
/// scikit-learn's `_hc_cut`.
public struct Dendrogram: Sendable, Equatable {
    /// Rows (leaves).
    public let leaves: Int
    /// For each merge, in increasing height: a row of each cluster it joins, and its height.
    public let first: [Int32], second: [Int32], heights: [Double]

    /// `merges` in the order they were made; they are stably sorted by height here.
    init(leaves: Int, merges: [(Int32, Int32, Double)]) {
        precondition(merges.count == max(leaves - 1, 0))
        let order = merges.indices.sorted { merges[$0].2 < merges[$1].2 || (merges[$0].2 == merges[$1].2 && $0 < $1) }
        self.leaves = leaves
        first = order.map { merges[$0].0 }
        second = order.map { merges[$0].1 }
        heights = order.map { merges[$0].2 }
    }

    /// The partition into `k` clusters: the first n − k merges applied. Clusters are numbered
    /// 0 ..< k by first appearance in row order (row 0 is in cluster 0).
    public func labels(clusters k: Int) -> [Int] {
        precondition(k >= 1 && k <= leaves)
        let sets = DisjointSets(count: leaves)
        for m in 0 ..< leaves - k { sets.union(Int(first[m]), Int(second[m])) }
        var number = [Int](repeating: -1, count: leaves), next = 0
        return (0 ..< leaves).map { i in
            let root = sets.find(i)
            if number[root] < 0 {
                number[root] = next
                next += 1
            }
            return number[root]
        }
    }
}
