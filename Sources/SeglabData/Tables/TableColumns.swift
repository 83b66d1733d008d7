/// The columns of one table file that a tables source uses, read in one pass with the CSV
/// reader: text columns interned (a code per row, -1 for an empty cell), number columns as
/// doubles (NaN for an empty cell) and date columns as day numbers (`TableColumns.noDay` for
/// an empty cell). Every cell of a number or date column is checked: one that is not empty and
/// not a valid number or date is bad input naming the file, row and column.
struct TableColumns {
    /// What to read.
    struct Request {
        var text: Set<String> = []
        var numbers: Set<String> = []
        var dates: Set<String> = []
        /// Number and date columns whose every cell must hold a value (an empty one is bad input).
        var required: Set<String> = []
        var dateFormat: String?
        /// Find exact copies of earlier rows (raw text) among rows where this column is not empty.
        var copiesWhereNotEmpty: String?
    }

    /// A text column: each row's code into `values` (-1: empty cell).
    struct Text {
        var codes: [Int32] = []
        var values = ByteInterner()

        func string(_ code: Int32) -> String { code < 0 ? "" : values.string(Int(code)) }

        /// Each distinct value's code, for joins and comparisons by text.
        func codeTable() -> [String: Int32] {
            var out = [String: Int32](minimumCapacity: values.count)
            for c in 0 ..< values.count { out[values.string(c)] = Int32(c) }
            return out
        }
    }

    static let noDay = Int32.min

    let path: String
    let header: [String]
    private(set) var count = 0
    /// The 1-based line where each row starts (the header is line 1).
    private(set) var lines: [Int] = []
    private(set) var text: [String: Text] = [:]
    private(set) var numbers: [String: [Double]] = [:]
    private(set) var days: [String: [Int32]] = [:]
    /// Rows that are exact copies of an earlier row (with `copiesWhereNotEmpty`), else empty.
    private(set) var isCopy: [Bool] = []

    /// Reads the columns of `request`; `check` sees the header first (and throws for a
    /// declared column it lacks).
    init(path: String, request: Request, check: ([String]) throws -> Void) throws {
        let csv = try CSVReader(path: path)
        self.path = path
        header = csv.header
        try check(header)
        func index(_ name: String) throws -> Int {
            guard let j = csv.header.firstIndex(of: name) else {
                throw DataError(file: path, row: 1, column: name, "no column named '\(excerpt(name))'; the header has: \(excerptList(csv.header))")
            }
            return j
        }
        let dates: DateParser
        do { dates = try DateParser(format: request.dateFormat) } catch let e as DateParser.FormatError {
            throw DataError(file: path, e.message)
        }
        let textColumns = try request.text.sorted().map { ($0, try index($0)) }
        let numberColumns = try request.numbers.sorted().map { ($0, try index($0)) }
        let dateColumns = try request.dates.sorted().map { ($0, try index($0)) }
        let copyColumn = try request.copiesWhereNotEmpty.map(index)
        var texts = [Text](repeating: Text(), count: textColumns.count)
        var values = [[Double]](repeating: [], count: numberColumns.count)
        var dayValues = [[Int32]](repeating: [], count: dateColumns.count)
        let required = numberColumns.map { request.required.contains($0.0) }
        let requiredDay = dateColumns.map { request.required.contains($0.0) }
        var spans: [CSVReader.RecordSpan] = [], spanRows: [Int] = []

        while try csv.next() {
            let row = count
            lines.append(csv.line)
            for k in texts.indices {
                let j = textColumns[k].1
                texts[k].codes.append(csv.isEmpty(j) ? -1 : csv.withValue(j) { texts[k].values.intern($0) })
            }
            for k in values.indices {
                values[k].append(try Self.number(csv, numberColumns[k].1, required: required[k], path: path))
            }
            for k in dayValues.indices {
                let j = dateColumns[k].1
                if let d = dates.day(csv.field(j)) {
                    dayValues[k].append(d)
                } else if NumberParser.parse(csv.field(j)) == .empty && !requiredDay[k] {
                    dayValues[k].append(Self.noDay)
                } else {
                    let text = csv.string(j)
                    let expected = request.dateFormat.map { "date_format '\(excerpt($0))'" } ?? "ISO 8601, e.g. 2011-12-09 or 2011-12-09T12:50:00"
                    throw DataError(file: path, row: csv.line, column: header[j],
                                    text.isEmpty ? "is empty; a date is required" : "'\(excerpt(text))' is not a valid date (expected \(expected))")
                }
            }
            if let copyColumn, !csv.isEmpty(copyColumn) { spans.append(csv.recordSpan); spanRows.append(row) }
            count += 1
        }
        if count == 0 { throw DataError(file: path, row: 2, "has a header but no rows") }
        if copyColumn != nil {
            isCopy = [Bool](repeating: false, count: count)
            var dedup = RecordDeduplicator(csv, capacity: spans.count)
            for (row, span) in zip(spanRows, spans) where dedup.earlierCopy(of: span) != nil { isCopy[row] = true }
        }
        for (k, (name, _)) in textColumns.enumerated() { text[name] = texts[k] }
        for (k, (name, _)) in numberColumns.enumerated() { numbers[name] = values[k] }
        for (k, (name, _)) in dateColumns.enumerated() { days[name] = dayValues[k] }
    }

    /// A number cell: NaN when empty (unless required), else the value or bad input.
    private static func number(_ csv: CSVReader, _ j: Int, required: Bool, path: String) throws -> Double {
        switch NumberParser.parse(csv.field(j)) {
        case .number(let v): return v
        case .empty:
            guard required else { return .nan }
            throw DataError(file: path, row: csv.line, column: csv.header[j], "is empty; a number is required")
        case .nonFinite:
            throw DataError(file: path, row: csv.line, column: csv.header[j],
                            "'\(excerpt(csv.string(j)))' is not a finite number (NaN and infinities are bad input; leave the cell empty for a missing value)")
        case .outOfRange:
            throw DataError(file: path, row: csv.line, column: csv.header[j], NumberParser.outOfRangeMessage(excerpt(csv.string(j))))
        case .invalid:
            throw DataError(file: path, row: csv.line, column: csv.header[j], "'\(excerpt(csv.string(j)))' is not a number")
        }
    }
}
