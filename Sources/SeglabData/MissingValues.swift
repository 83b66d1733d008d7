/// `clean.missing` for a customers_csv (SPEC §1): only an empty cell is missing (NaN in a
/// numeric column of the table being built, "" in a text column).
///
/// - `error`: the first empty cell (in row, then column order) is bad input.
/// - `drop`: customers with any empty cell in a kept column are dropped.
/// - `mean`, `median` (linear interpolation), `zero`: fill numeric cells; an empty text cell
///   stays a category of its own (one-hot name `col=`).
/// Text columns are checked only when the experiment names them (`checkText`): a text column
/// merely present in the file is not a feature, so its empty cells are left alone.
///
/// - `ffill`: each empty cell takes the previous customer's value in file order; leading
///   empty cells, which have no previous value, take the first value below them (backward
///   fill, as `ffill().bfill()`). A column with no value at all cannot be filled and is bad input.
enum MissingValues {
    static func apply(_ rule: CleaningRules.Missing, to table: inout CustomerTable, checkText: Bool,
                      lines: [Int], path: String) throws -> DataReport.Step {
        let n = table.count, d = table.numericNames.count
        var missingCells = 0
        var firstMissing: (row: Int, column: String)?
        var rowHasMissing = [Bool](repeating: false, count: n)
        for i in 0 ..< n {
            for j in 0 ..< d where table.numeric[i, j].isNaN {
                missingCells += 1; rowHasMissing[i] = true
                if firstMissing == nil { firstMissing = (i, table.numericNames[j]) }
            }
            for (j, column) in table.categorical.enumerated() where checkText && column[i].isEmpty {
                missingCells += 1; rowHasMissing[i] = true
                if firstMissing == nil { firstMissing = (i, table.categoricalNames[j]) }
            }
        }
        func step(_ rowsOut: Int, _ detail: String) -> DataReport.Step {
            .init(step: "missing", rowsIn: n, rowsOut: rowsOut, detail: detail)
        }
        guard let firstMissing else { return step(n, "no empty cells") }

        switch rule {
        case .error:
            throw DataError(file: path, row: lines[firstMissing.row], column: firstMissing.column,
                            "is empty (a missing value); set clean.missing to drop, mean, median, zero or ffill")
        case .drop:
            table = table.selectingRows((0 ..< n).filter { !rowHasMissing[$0] })
            return step(table.count, "dropped customers with an empty cell (\(missingCells) cells)")
        case .mean, .median, .zero:
            for j in 0 ..< d {
                let present = (0 ..< n).map { table.numeric[$0, j] }.filter { !$0.isNaN }
                guard present.count < n else { continue }
                let fill: Double
                switch rule {
                case .zero: fill = 0
                case .mean:
                    guard !present.isEmpty else { throw emptyColumn(path, table.numericNames[j]) }
                    fill = present.reduce(0, +) / Double(present.count)
                default:
                    guard !present.isEmpty else { throw emptyColumn(path, table.numericNames[j]) }
                    fill = Quantile.of(present, 0.5)
                }
                for i in 0 ..< n where table.numeric[i, j].isNaN { table.numeric[i, j] = fill }
            }
            return step(n, "filled \(missingCells) empty cells (\(rule.rawValue))")
        case .ffill:
            for j in 0 ..< d {
                var column = (0 ..< n).map { table.numeric[$0, j] }
                try fillForward(&column, isMissing: { $0.isNaN }, path: path, name: table.numericNames[j])
                for i in 0 ..< n { table.numeric[i, j] = column[i] }
            }
            for j in table.categorical.indices where checkText {
                try fillForward(&table.categorical[j], isMissing: { $0.isEmpty }, path: path, name: table.categoricalNames[j])
            }
            return step(n, "filled \(missingCells) empty cells (ffill, leading cells backward)")
        }
    }

    private static func fillForward<T>(_ column: inout [T], isMissing: (T) -> Bool, path: String, name: String) throws {
        guard let first = column.firstIndex(where: { !isMissing($0) }) else {
            if column.isEmpty { return }
            throw emptyColumn(path, name)
        }
        var previous = column[first]
        for i in column.indices {
            if isMissing(column[i]) { column[i] = previous } else { previous = column[i] }
        }
    }

    private static func emptyColumn(_ path: String, _ name: String) -> DataError {
        DataError(file: path, column: name, "has no value at all, so clean.missing cannot fill it")
    }
}
