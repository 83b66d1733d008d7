import SeglabNumerics

/// Reads a customers_csv (SPEC §1): one row per customer, the id column, an optional truth
/// column (kept as text, never a feature), every other column a candidate feature.
///
/// A column's kind is set by its first non-empty cell: a number makes it numeric, and any later
/// cell that is not a number (`x3`, `NaN`, `inf`) is then bad input naming its row; text makes
/// it a text column, usable through a feature set's `onehot`. (A typo in a numeric column is an
/// error to report, not a reason to silently turn the column into categories.) Exact duplicate rows
/// (identical raw text) are dropped under `duplicates: drop`; the same id on two rows that are
/// not exact copies is bad input naming both rows.
enum CustomersCSVLoader {
    /// Header positions of the candidate columns, by kind, in file order.
    struct Layout {
        var id: Int
        var truth: Int?
        var numeric: [Int]
        var categorical: [Int]
        /// The line of the earlier identical row, for each record that is an exact copy.
        var copyOf: [Int?]
    }

    /// First pass: classify the columns and find exact duplicates.
    static func layout(_ csv: CSVReader, _ source: CustomersCSVSource) throws -> Layout {
        let idCol = try csv.column(source.id, role: "id")
        let truthCol = try source.truth.map { try csv.column($0, role: "truth") }
        let candidates = csv.header.indices.filter { $0 != idCol && $0 != truthCol }
        var isText = [Bool](repeating: false, count: csv.header.count)
        var decided = [Bool](repeating: false, count: csv.header.count)
        var copyOf: [Int?] = []
        var dedup = RecordDeduplicator(csv)
        while try csv.next() {
            for j in candidates where !decided[j] {
                if case .empty = NumberParser.parse(csv.field(j)) { continue }
                decided[j] = true
                isText[j] = NumberParser.isText(csv.field(j))
            }
            copyOf.append(dedup.earlierCopy(of: csv.recordSpan))
        }
        return Layout(id: idCol, truth: truthCol, numeric: candidates.filter { !isText[$0] },
                      categorical: candidates.filter { isText[$0] }, copyOf: copyOf)
    }

    /// The file read once (whole, hashed) with its layout; every load of it parses these bytes.
    final class File {
        let csv: CSVReader
        let layout: Layout
        let fingerprint: String

        init(_ source: CustomersCSVSource, progress: ReadProgress? = nil) throws {
            csv = try CSVReader(path: source.path, contents: source.contents, progress: progress)
            layout = try CustomersCSVLoader.layout(csv, source)
            fingerprint = try csv.fingerprint()
        }

        var candidates: (numeric: [String], categorical: [String]) {
            (layout.numeric.map { csv.header[$0] }, layout.categorical.map { csv.header[$0] })
        }
    }

    /// Loads the table with the used columns (nil: every numeric candidate, plus the text
    /// columns, which `missing` then leaves alone) and applies `duplicates` and `missing`.
    static func load(_ file: File, _ source: CustomersCSVSource, cleaning: CleaningRules, usedColumns: Set<String>?) throws -> CustomerTable {
        let path = source.path
        let csv = file.csv, l = file.layout
        let header = csv.header
        if let usedColumns {
            let candidates = Set((l.numeric + l.categorical).map { header[$0] })
            for name in usedColumns.sorted() where !candidates.contains(name) {
                let why = name == source.id ? "is the id column" : name == source.truth ? "is the truth column, never a feature"
                    : "is not a column of the file"
                throw DataError(file: path, column: name, "\(why); candidate feature columns: \(excerptList((l.numeric + l.categorical).map { header[$0] }))")
            }
        }
        let numericCols = l.numeric.filter { usedColumns?.contains(header[$0]) ?? true }
        let textCols = l.categorical.filter { usedColumns?.contains(header[$0]) ?? true }

        var ids: [String] = [], truth: [String] = [], lines: [Int] = []
        var values: [Double] = []
        var text = [[String]](repeating: [], count: textCols.count)
        var firstRowOf: [String: Int] = [:]
        var record = -1, copies = 0
        csv.rewind()
        while try csv.next() {
            record += 1
            if l.copyOf[record] != nil && cleaning.duplicates == .drop { copies += 1; continue }
            let id = csv.string(l.id)
            if id.isEmpty { throw DataError(file: path, row: csv.line, column: header[l.id], "is empty; every customer needs an id") }
            if let earlier = firstRowOf[id], l.copyOf[record] == nil {
                throw DataError(file: path, row: csv.line, column: header[l.id],
                                "id '\(excerpt(id))' also appears on row \(earlier) with different values")
            }
            if firstRowOf[id] == nil { firstRowOf[id] = csv.line }
            ids.append(id)
            lines.append(csv.line)
            if let t = l.truth { truth.append(csv.string(t)) }
            for j in numericCols {
                switch NumberParser.parse(csv.field(j)) {
                case .number(let v): values.append(v)
                case .empty: values.append(.nan)
                case .nonFinite:
                    throw DataError(file: path, row: csv.line, column: header[j],
                                    "'\(excerpt(csv.string(j)))' is not a finite number (NaN and infinities are bad input; leave the cell empty for a missing value)")
                case .outOfRange:
                    throw DataError(file: path, row: csv.line, column: header[j], NumberParser.outOfRangeMessage(excerpt(csv.string(j))))
                case .invalid:
                    throw DataError(file: path, row: csv.line, column: header[j],
                                    "'\(excerpt(csv.string(j)))' is not a number (the column's first value is numeric)")
                }
            }
            for (k, j) in textCols.enumerated() { text[k].append(csv.string(j)) }
        }
        if ids.isEmpty { throw DataError(file: path, row: 2, "has a header but no customer rows") }

        let records = record + 1
        var steps = [DataReport.Step(step: "read", rowsIn: records, rowsOut: records,
                                     detail: "\(records) rows, \(header.count) columns")]
        if cleaning.duplicates == .drop {
            steps.append(.init(step: "duplicates", rowsIn: records, rowsOut: records - copies, detail: "exact copies of an earlier row"))
        }
        var table = CustomerTable(ids: ids, numericNames: numericCols.map { header[$0] },
                                  numeric: Matrix(rows: ids.count, cols: numericCols.count, storage: values),
                                  categoricalNames: textCols.map { header[$0] }, categorical: text,
                                  truth: l.truth == nil ? nil : truth,
                                  report: DataReport(source: "customers_csv"))
        steps.append(try MissingValues.apply(cleaning.missing, to: &table, checkText: usedColumns != nil, lines: lines, path: path))
        if table.count == 0 { throw DataError(file: path, "no customer is left after clean.missing: drop") }
        table.report = DataReport(source: "customers_csv", steps: steps, customers: table.count)
        return table
    }
}
