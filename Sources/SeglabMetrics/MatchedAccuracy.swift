/// Accuracy after matching segments: the share of rows whose predicted segment is the one
/// matched to their reference segment, under the one-to-one matching of segments that
/// maximises it (the Hungarian algorithm on the contingency table, as scipy's
/// `linear_sum_assignment` on its negation). Segments left unmatched (one side has more)
/// count as wrong. Labels are compared as classes, so renumbered segments score 1.
public func matchedAccuracy(reference: [Int], predicted: [Int]) -> MetricResult {
    guard !reference.isEmpty else { return .undefined("no rows") }
    let table = Contingency(truth: reference, predicted: predicted)
    let size = max(table.truthCounts.count, table.predictedCounts.count)
    var gain = [[Int]](repeating: [Int](repeating: 0, count: size), count: size)
    for cell in table.cells { gain[cell.truth][cell.predicted] = cell.count }
    let columnOfRow = maximumAssignment(gain)
    let matched = columnOfRow.enumerated().reduce(0) { $0 + gain[$1.offset][$1.element] }
    return .defined(Double(matched) / Double(table.n))
}

/// The column of each row in a one-to-one assignment of a square matrix's rows to columns
/// with the largest total (Kuhn–Munkres with potentials, O(n³), exact in integers). Written
/// by hand: no Swift package here solves assignment problems, and the tables are k × k.
func maximumAssignment(_ gain: [[Int]]) -> [Int] {
    let n = gain.count
    guard n > 0 else { return [] }
    let top = gain.joined().max() ?? 0
    // Minimise cost = top − gain; rows and columns 1-based, index 0 is the virtual start.
    var u = [Int](repeating: 0, count: n + 1), v = [Int](repeating: 0, count: n + 1)
    var rowOfColumn = [Int](repeating: 0, count: n + 1), way = [Int](repeating: 0, count: n + 1)
    for row in 1 ... n {
        rowOfColumn[0] = row
        var column0 = 0
        var minimum = [Int](repeating: .max, count: n + 1)
        var used = [Bool](repeating: false, count: n + 1)
        repeat {
            used[column0] = true
            let row0 = rowOfColumn[column0]
            var delta = Int.max, column1 = 0
            for j in 1 ... n where !used[j] {
                let reduced = (top - gain[row0 - 1][j - 1]) - u[row0] - v[j]
                if reduced < minimum[j] { minimum[j] = reduced; way[j] = column0 }
                if minimum[j] < delta { delta = minimum[j]; column1 = j }
            }
            for j in 0 ... n {
                if used[j] { u[rowOfColumn[j]] += delta; v[j] -= delta } else { minimum[j] -= delta }
            }
            column0 = column1
        } while rowOfColumn[column0] != 0
        repeat {
            let column1 = way[column0]
            rowOfColumn[column0] = rowOfColumn[column1]
            column0 = column1
        } while column0 != 0
    }
    var columnOfRow = [Int](repeating: 0, count: n)
    for j in 1 ... n { columnOfRow[rowOfColumn[j] - 1] = j - 1 }
    return columnOfRow
}
