/// Union–find over 0 ..< n with path halving and union by index (the larger root points at
/// the smaller), so the partition it ends with, and each set's root (its lowest element), do
/// not depend on the order of the unions.
struct DisjointSets {
    private(set) var parent: [Int32]

    init(count: Int) { parent = [Int32](0 ..< Int32(count)) }

    mutating func find(_ x: Int) -> Int {
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
    mutating func union(_ a: Int, _ b: Int) -> Bool {
        let ra = find(a), rb = find(b)
        if ra == rb { return false }
        if ra < rb { parent[rb] = Int32(ra) } else { parent[ra] = Int32(rb) }
        return true
    }

    /// Adds every union `other` has made (its non-root elements joined to their roots).
    mutating func absorb(_ other: inout DisjointSets) {
        for x in other.parent.indices where Int(other.parent[x]) != x {
            union(x, other.find(x))
        }
    }
}
