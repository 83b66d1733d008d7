/// scikit-learn 1.9's BIRCH clustering-feature tree (`_CFNode`, `_CFSubcluster`,
/// `_split_node` in `sklearn/cluster/_birch.py`), with the same decisions in the same order,
/// so it ends with the same subclusters in the same order.
///
/// A subcluster holds its clustering feature: row count N, linear sum LS, squared sum SS,
/// and its centroid LS/N with the centroid's squared norm. A row descends from the root to
/// the closest subcluster of each node (smallest −2·c·x + ‖c‖²); at a leaf it merges into the
/// closest subcluster when the merged squared radius SS/N − ‖LS/N‖² is ≤ threshold², else it
/// starts a new subcluster; a node holding more than `branching` subclusters is split in two
/// around its farthest pair of centroids (each subcluster goes to the nearer of the pair, the
/// second on ties), and the parent's subcluster for it is replaced by the two halves. The
/// leaves form a linked list in split order; their subclusters, read along it, are
/// `subcluster_centers_`.
struct CFTree {
    let dims: Int
    let threshold: Double
    let branching: Int

    // Subclusters.
    private var count: [Int] = []
    private var squaredSum: [Double] = []
    /// `dims` per subcluster.
    private var linearSum: [Double] = []
    private var centroid: [Double] = []
    private var centroidNorm: [Double] = []
    /// The node below a subcluster of an inner node, or -1.
    private var child: [Int32] = []

    // Nodes: `branching + 1` slots each, holding a subcluster and a copy of its centroid and
    // norm (contiguous, for the closest-subcluster search).
    private var isLeaf: [Bool] = []
    private var used: [Int] = []
    private var members: [Int32] = []
    private var slotCentroids: [Double] = []
    private var slotNorms: [Double] = []
    private var previousLeaf: [Int32] = []
    private var nextLeaf: [Int32] = []
    private var root = 0
    /// A node before the first leaf (scikit-learn's `dummy_leaf_`).
    private var head = 0

    private var scratchSum: [Double], scratchCentroid: [Double]

    init(dims: Int, threshold: Double, branching: Int) {
        precondition(branching >= 2 && threshold > 0)
        self.dims = dims
        self.threshold = threshold
        self.branching = branching
        scratchSum = [Double](repeating: 0, count: dims)
        scratchCentroid = scratchSum
        root = newNode(leaf: true)
        head = newNode(leaf: true)
        nextLeaf[head] = Int32(root)
        previousLeaf[root] = Int32(head)
    }

    /// The number of subclusters in the leaves.
    var subclusterCount: Int { leaves().reduce(0) { $0 + used[$1] } }

    /// The leaves' subcluster centroids, leaf after leaf along the linked list.
    var subclusterCenters: [[Double]] {
        var out = [[Double]]()
        for leaf in leaves() {
            for i in 0 ..< used[leaf] {
                let base = (leaf * slots + i) * dims
                out.append(Array(slotCentroids[base ..< base + dims]))
            }
        }
        return out
    }

    private func leaves() -> [Int] {
        var out = [Int](), node = Int(nextLeaf[head])
        while node >= 0 {
            out.append(node)
            node = Int(nextLeaf[node])
        }
        return out
    }

    private var slots: Int { branching + 1 }

    /// Inserts one row.
    mutating func insert(_ x: UnsafePointer<Double>) {
        var xss = 0.0
        for f in 0 ..< dims { xss += x[f] * x[f] }
        if insert(into: root, x, xss) {
            let (a, b) = split(root)
            root = newNode(leaf: false)
            append(root, a)
            append(root, b)
        }
    }

    /// scikit-learn's `insert_cf_subcluster` for a one-row subcluster; returns whether `node`
    /// now holds more than `branching` subclusters and must be split by its parent.
    private mutating func insert(into node: Int, _ x: UnsafePointer<Double>, _ xss: Double) -> Bool {
        if used[node] == 0 {
            append(node, newSubcluster(x, xss))
            return false
        }
        var best = Double.infinity, closest = 0
        for i in 0 ..< used[node] {
            let base = (node * slots + i) * dims
            var dot = 0.0
            for f in 0 ..< dims { dot += slotCentroids[base + f] * x[f] }
            let v = dot * -2 + slotNorms[node * slots + i]
            if v < best {
                best = v
                closest = i
            }
        }
        let s = Int(members[node * slots + closest])
        if child[s] >= 0 {
            if !insert(into: Int(child[s]), x, xss) {
                for f in 0 ..< dims { linearSum[s * dims + f] += x[f] }
                add(to: s, count: 1, squaredSum: xss)
                setSlot(node, closest, s)
                return false
            }
            let (a, b) = split(Int(child[s]))
            setSlot(node, closest, a)
            append(node, b)
            return used[node] > branching
        }
        if merge(into: s, x, xss) {
            setSlot(node, closest, s)
            return false
        }
        append(node, newSubcluster(x, xss))
        return used[node] > branching
    }

    /// `merge_subcluster`: merges the row into `s` if the merged squared radius is within
    /// threshold² (with scikit-learn's arithmetic: centroid = (1/N)·LS).
    private mutating func merge(into s: Int, _ x: UnsafePointer<Double>, _ xss: Double) -> Bool {
        let n = count[s] + 1
        let newSquaredSum = squaredSum[s] + xss
        let inverse = 1 / Double(n)
        var norm = 0.0
        for f in 0 ..< dims {
            scratchSum[f] = linearSum[s * dims + f] + x[f]
            scratchCentroid[f] = inverse * scratchSum[f]
            norm += scratchCentroid[f] * scratchCentroid[f]
        }
        guard newSquaredSum / Double(n) - norm <= threshold * threshold else { return false }
        count[s] = n
        squaredSum[s] = newSquaredSum
        for f in 0 ..< dims {
            linearSum[s * dims + f] = scratchSum[f]
            centroid[s * dims + f] = scratchCentroid[f]
        }
        centroidNorm[s] = norm
        return true
    }

    /// `_split_node`: two new nodes (and subclusters above them) share `node`'s subclusters
    /// by nearness to its farthest pair of centroids; a leaf's place in the list goes to them.
    private mutating func split(_ node: Int) -> (Int, Int) {
        let leaf = isLeaf[node]
        let first = newNode(leaf: leaf), second = newNode(leaf: leaf)
        let a = newSubcluster(child: first), b = newSubcluster(child: second)
        if leaf {
            let before = Int(previousLeaf[node]), after = Int(nextLeaf[node])
            if before >= 0 { nextLeaf[before] = Int32(first) }
            previousLeaf[first] = Int32(before)
            nextLeaf[first] = Int32(second)
            previousLeaf[second] = Int32(first)
            nextLeaf[second] = Int32(after)
            if after >= 0 { previousLeaf[after] = Int32(second) }
        }
        // Squared distances between the node's centroids as `euclidean_distances(…,
        // squared=True)` computes them: (−2·a·b + ‖a‖²) + ‖b‖², clamped at 0, 0 on the diagonal.
        let m = used[node]
        let norms = (0 ..< m).map { i -> Double in
            let base = (node * slots + i) * dims
            var s = 0.0
            for f in 0 ..< dims { s += slotCentroids[base + f] * slotCentroids[base + f] }
            return s
        }
        func distance(_ i: Int, _ j: Int) -> Double {
            if i == j { return 0 }
            let bi = (node * slots + i) * dims, bj = (node * slots + j) * dims
            var dot = 0.0
            for f in 0 ..< dims { dot += slotCentroids[bi + f] * slotCentroids[bj + f] }
            return max(-2 * dot + norms[i] + slotNorms[node * slots + j], 0)
        }
        // The first maximum in row-major order.
        var far = -1.0, pair = (0, 0)
        for i in 0 ..< m {
            for j in 0 ..< m {
                let d = distance(i, j)
                if d > far {
                    far = d
                    pair = (i, j)
                }
            }
        }
        for i in 0 ..< m {
            let t = Int(members[node * slots + i])
            if i == pair.0 || distance(pair.0, i) < distance(pair.1, i) {
                append(first, t)
                absorb(into: a, t)
            } else {
                append(second, t)
                absorb(into: b, t)
            }
        }
        return (a, b)
    }

    /// `update`: adds subcluster `t`'s clustering feature to `s`.
    private mutating func absorb(into s: Int, _ t: Int) {
        for f in 0 ..< dims { linearSum[s * dims + f] += linearSum[t * dims + f] }
        add(to: s, count: count[t], squaredSum: squaredSum[t])
    }

    /// The rest of `update`, once LS has been added to: N, SS, centroid = LS / N and its norm.
    private mutating func add(to s: Int, count n: Int, squaredSum ss: Double) {
        count[s] += n
        squaredSum[s] += ss
        var norm = 0.0
        for f in 0 ..< dims {
            let c = linearSum[s * dims + f] / Double(count[s])
            centroid[s * dims + f] = c
            norm += c * c
        }
        centroidNorm[s] = norm
    }

    private mutating func newSubcluster(_ x: UnsafePointer<Double>, _ xss: Double) -> Int {
        count.append(1)
        squaredSum.append(xss)
        linearSum.append(contentsOf: UnsafeBufferPointer(start: x, count: dims))
        centroid.append(contentsOf: UnsafeBufferPointer(start: x, count: dims))
        centroidNorm.append(xss)
        child.append(-1)
        return count.count - 1
    }

    /// An empty subcluster above `node`.
    private mutating func newSubcluster(child node: Int) -> Int {
        count.append(0)
        squaredSum.append(0)
        linearSum.append(contentsOf: repeatElement(0, count: dims))
        centroid.append(contentsOf: repeatElement(0, count: dims))
        centroidNorm.append(0)
        child.append(Int32(node))
        return count.count - 1
    }

    private mutating func newNode(leaf: Bool) -> Int {
        isLeaf.append(leaf)
        used.append(0)
        members.append(contentsOf: repeatElement(-1, count: slots))
        slotCentroids.append(contentsOf: repeatElement(0, count: slots * dims))
        slotNorms.append(contentsOf: repeatElement(0, count: slots))
        previousLeaf.append(-1)
        nextLeaf.append(-1)
        return isLeaf.count - 1
    }

    /// Puts subcluster `s` (and a copy of its centroid and norm) in slot `i` of `node`.
    private mutating func setSlot(_ node: Int, _ i: Int, _ s: Int) {
        let slot = node * slots + i
        members[slot] = Int32(s)
        for f in 0 ..< dims { slotCentroids[slot * dims + f] = centroid[s * dims + f] }
        slotNorms[slot] = centroidNorm[s]
    }

    private mutating func append(_ node: Int, _ s: Int) {
        setSlot(node, used[node], s)
        used[node] += 1
    }
}
