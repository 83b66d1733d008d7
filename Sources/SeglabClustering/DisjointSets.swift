/// Union–find over 0 ..< n with path halving and union by index (the larger root points at
/// the smaller), so the partition it ends with, and each set's root (its lowest element), do
/// not depend on the order of the unions.
///
/// A class over raw storage: the hot loops (DBSCAN's components) call `find` millions of
/// times, and an array's copy-on-write checks cost as much as the work itself.
final class DisjointSets {
    let count: Int
    private let parent: UnsafeMutablePointer<Int32>

    init(count: Int) {
        self.count = count
        parent = .allocate(capacity: max(count, 1))
        for i in 0 ..< count { parent[i] = Int32(i) }
    }

    /// An independent copy of `other`.
    init(copying other: DisjointSets) {
        count = other.count
        parent = .allocate(capacity: max(count, 1))
        parent.update(from: other.parent, count: count)
    }

    deinit { parent.deallocate() }

    func find(_ x: Int) -> Int {
        var x = x
        while Int(parent[x]) != x {
            let up = Int(parent[Int(parent[x])])
            parent[x] = Int32(up)
            x = up
        }
        return x
    }

    /// Joins the sets of `a` and `b`; returns whether they were apart.
    @discardableResult
    func union(_ a: Int, _ b: Int) -> Bool {
        let ra = find(a), rb = find(b)
        if ra == rb { return false }
        if ra < rb { parent[rb] = Int32(ra) } else { parent[ra] = Int32(rb) }
        return true
    }

    /// Adds every union `other` has made (its non-root elements joined to their roots).
    func absorb(_ other: DisjointSets) {
        for x in 0 ..< count where Int(other.parent[x]) != x {
            union(x, other.find(x))
        }
    }
}
