/// How two labelings of the same customers agree (`seglab compare`, replicate stability):
/// their contingency table, adjusted Rand index and normalised mutual information. Noise (-1)
/// is a class like any other, as in `adjustedRandIndex`.
///
///     let a = LabelAgreement([0, 0, 1, 1], [1, 1, 0, 0])
///     a.counts   // [[0, 2], [2, 0]]: rows a's clusters 0, 1; columns b's 0, 1
///     a.ari      // 1.0: the same partition under other numbers
public struct LabelAgreement: Sendable, Equatable {
    /// The first labeling's distinct labels, ascending (the table's rows).
    public let rowLabels: [Int]
    /// The second labeling's distinct labels, ascending (the table's columns).
    public let columnLabels: [Int]
    /// counts[r][c]: customers labelled `rowLabels[r]` by the first and `columnLabels[c]` by the second.
    public let counts: [[Int]]
    /// nil for no customers.
    public let ari: Double?
    public let nmi: Double?

    public init(_ first: [Int], _ second: [Int]) {
        precondition(first.count == second.count, "both labelings must cover the same customers")
        let table = Contingency(truth: first, predicted: second)
        rowLabels = Set(first).sorted()
        columnLabels = Set(second).sorted()
        var counts = [[Int]](repeating: [Int](repeating: 0, count: columnLabels.count), count: rowLabels.count)
        for cell in table.cells { counts[cell.truth][cell.predicted] = cell.count }
        self.counts = counts
        ari = adjustedRandIndex(truth: first, predicted: second).value
        nmi = normalizedMutualInformation(truth: first, predicted: second).value
    }
}
