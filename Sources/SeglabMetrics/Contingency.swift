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
        let t = Contingency.encode(truth), p = Contingency.encode(predicted)
        let width = p.classes
        var table = [Int: Int]()
        for i in truth.indices { table[t.codes[i] * width + p.codes[i], default: 0] += 1 }
        n = truth.count
        cells = table.keys.sorted().map { (truth: $0 / width, predicted: $0 % width, count: table[$0]!) }
        truthCounts = Contingency.counts(t.codes, t.classes)
        predictedCounts = Contingency.counts(p.codes, p.classes)
    }

    private static func encode(_ labels: [Int]) -> (codes: [Int], classes: Int) {
        let classes = Array(Set(labels)).sorted()
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        return (labels.map { index[$0]! }, classes.count)
    }

    private static func counts(_ codes: [Int], _ classes: Int) -> [Int] {
        var c = [Int](repeating: 0, count: classes)
        for x in codes { c[x] += 1 }
        return c
    }
}
