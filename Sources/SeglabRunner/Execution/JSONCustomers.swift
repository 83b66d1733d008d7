import SeglabData

/// Customers (or order lines) given as a JSON array of objects, keyed by the run's source
/// columns — a request body of `seglab serve` — written as the CSV that `assign` reads, so they
/// go through exactly the loader, cleaning and checks a CSV file does.
///
/// The columns are every key, in order of first appearance; a key an object lacks, or a
/// `null`, is an empty cell (a missing value, as in CSV). Numbers are written in shortest
/// round-trip form, so they parse back to the same doubles; strings are quoted as needed.
/// Booleans, arrays and objects are refused. A loader error, which names a CSV row and
/// column, is restated as the array index and field (`at [2].frequency`).
///
///     let body = try JSONCustomers(try JSONParser.parse(bytes), name: "request body")
///     do { try Assignment.assign(model, input: .csv(body.csv, name: body.name)) }
///     catch let e as DataError { throw body.restate(e) }
public struct JSONCustomers: Sendable {
    /// A problem with one element (or the whole array when `index` is nil).
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var name: String
        /// 0-based position in the array.
        public var index: Int?
        public var field: String?
        public var message: String

        /// `request body: at [2].frequency: …`; a field of no one element (a column every
        /// element lacks) is named as a CSV column is: `request body, field 'recency_days': …`.
        public var description: String {
            switch (index, field) {
            case let (i?, f?): return "\(name): at [\(i)].\(f): \(message)"
            case let (i?, nil): return "\(name): at [\(i)]: \(message)"
            case let (nil, f?): return "\(name), field '\(f)': \(message)"
            case (nil, nil): return "\(name): \(message)"
            }
        }
    }

    /// Names the body in messages.
    public let name: String
    /// The CSV text: a header, then one record per element.
    public let csv: [UInt8]
    /// Elements in the array.
    public let count: Int
    /// The line each element's record starts on in `csv` (a quoted line break in a value
    /// moves the following ones).
    private let lines: [Int]

    public init(_ value: JSONValue, name: String) throws {
        guard case .array(let items) = value else {
            throw Problem(name: name, message: "expected a JSON array of objects (one per customer), got \(value.typeName)")
        }
        var columns: [String] = [], known: Set<String> = []
        for (i, item) in items.enumerated() {
            guard case .object(let members) = item else {
                throw Problem(name: name, index: i, message: "expected an object (one customer), got \(item.typeName)")
            }
            for m in members where known.insert(m.key).inserted { columns.append(m.key) }
        }
        let position = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        var out = CSVBytes()
        out.row(columns)
        var line = 2
        var lines: [Int] = []
        lines.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case .object(let members) = item else { continue }
            var cells = [CSVBytes](repeating: CSVBytes(), count: columns.count)
            for m in members {
                var cell = CSVBytes()
                switch m.value {
                case .null: break
                case .string(let s): cell.field(s)
                case .int(let v): cell.int(v)
                case .real(let v): cell.real(v)
                default:
                    throw Problem(name: name, index: i, field: m.key,
                                  message: "expected a string, a number or null, got \(m.value.typeName)")
                }
                cells[position[m.key]!] = cell
            }
            // A record of one empty cell would be a blank line, which CSV readers skip.
            var record: [UInt8] = columns.count == 1 && cells[0].bytes.isEmpty ? Array("\"\"".utf8) : []
            if record.isEmpty {
                for (j, c) in cells.enumerated() {
                    if j > 0 { record.append(0x2C) }
                    record += c.bytes
                }
            }
            lines.append(line)
            line += 1 + record.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            out.append(record)
            out.newline()
        }
        self.name = name
        self.csv = out.bytes
        self.count = items.count
        self.lines = lines
    }

    /// A loader error about `csv` (CSV row and column) restated as the element and field.
    public func restate(_ e: DataError) -> Problem {
        let index = e.row.flatMap { row in lines.firstIndex(of: row) }
        return Problem(name: name, index: index, field: e.column, message: e.message)
    }
}
