/// The contingency table of two labelings (every label, noise included, is a class), with
/// classes in ascending label order and cells in (truth, predicted) order.
struct Contingency {
    let n: Int
    /// Row sums: rows per truth class.
    let truthCounts: [Int]
    /// Column sums: rows per predicted class.
    let predictedCounts: [Int]
    /// The non-zero cells, sorted by (truth class, predicted class).
    let cells: [(truth: Int, predicted: Int, count: Int)]

    init(truth: [Int], predicted: [Int]) {
        precondition(truth.count == predicted.count)
        let t = LabelCoding.encode(truth, negativesAreClasses: true).codes
        let p = LabelCoding.encode(predicted, negativesAreClasses: true).codes
        let rows = (t.max() ?? -1) + 1, width = (p.max() ?? -1) + 1
        n = truth.count
        if rows * width <= 4 * n + 4096 {
            // A dense table: the usual case of a few segments against a few clusters.
            var table = [Int](repeating: 0, count: rows * width)
            for i in t.indices { table[t[i] * width + p[i]] += 1 }
            cells = table.indices.filter { table[$0] > 0 }.map { (truth: $0 / width, predicted: $0 % width, count: table[$0]) }
        } else {
            var table = [Int: Int]()
            for i in t.indices { table[t[i] * width + p[i], default: 0] += 1 }
            cells = table.keys.sorted().map { (truth: $0 / width, predicted: $0 % width, count: table[$0]!) }
        }
        truthCounts = Contingency.counts(t, rows)
        predictedCounts = Contingency.counts(p, width)
    }

    private static func counts(_ codes: [Int], _ classes: Int) -> [Int] {
        var c = [Int](repeating: 0, count: classes)
        for x in codes { c[x] += 1 }
        return c
    }
}
