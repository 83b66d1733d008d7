/// Reads an order export (SPEC §1 `transactions_csv`), checks every row, and applies the
/// row-level cleaning of SPEC §5 before `CustomerFeatures` aggregates the survivors.
///
/// Every row is parsed before any cleaning, so a malformed or empty date, quantity, price or
/// amount is bad input even in a row cleaning would drop; an empty customer id is not (the
/// row is dropped and counted). Exact duplicates compare the raw row text.
enum TransactionsLoader {
    /// Row flags.
    struct Kind: OptionSet {
        let rawValue: UInt8
        /// Cancelled invoice (`C…`), negative quantity or negative amount.
        static let `return` = Kind(rawValue: 1)
        /// A purchase with a non-positive unit price or line value.
        static let nonPositive = Kind(rawValue: 2)
        /// An exact copy of an earlier row (only looked for in rows with a customer id).
        static let duplicate = Kind(rawValue: 4)
    }

    /// The parsed rows: one entry per record, in file order.
    struct Rows {
        var customer: [Int32] = []  // -1: empty customer id
        var day: [Int32] = []
        /// Line value: quantity × unit price, or the amount.
        var value: [Double] = []
        /// Interned invoice, or -1 without an invoice column (each row its own invoice).
        var invoice: [Int32] = []
        /// Interned product, or -1 without a product column.
        var product: [Int32] = []
        var kind: [Kind] = []
        var customerIDs = ByteInterner()
        var invoiceCount = 0, productCount = 0
        /// Columns in the file's header.
        var columnCount = 0
        var count: Int { day.count }
    }

    /// Header positions of the mapped columns.
    private struct Mapping {
        var customer, date, quantity: Int
        var unitPrice, amount, invoice, product: Int?
        var dates: DateParser
    }

    private static func mapping(_ csv: CSVReader, _ source: TransactionsCSVSource) throws -> Mapping {
        guard (source.unitPrice == nil) != (source.amount == nil) else {
            throw DataError(file: source.path, "give exactly one of unit_price and amount")
        }
        let dates: DateParser
        do { dates = try DateParser(format: source.dateFormat) } catch let e as DateParser.FormatError {
            throw DataError(file: source.path, column: source.date, e.message)
        }
        return Mapping(customer: try csv.column(source.customer, role: "customer"),
                       date: try csv.column(source.date, role: "date"),
                       quantity: try csv.column(source.quantity, role: "quantity"),
                       unitPrice: try source.unitPrice.map { try csv.column($0, role: "unit_price") },
                       amount: try source.amount.map { try csv.column($0, role: "amount") },
                       invoice: try source.invoice.map { try csv.column($0, role: "invoice") },
                       product: try source.product.map { try csv.column($0, role: "product") },
                       dates: dates)
    }

    /// Checks that the file's header has every mapped column (and the options are usable).
    static func checkHeader(_ source: TransactionsCSVSource) throws {
        _ = try mapping(CSVReader(path: source.path, contents: source.contents), source)
    }

    static func parse(_ source: TransactionsCSVSource, cleaning: CleaningRules) throws -> Rows {
        let path = source.path
        let csv = try CSVReader(path: path, contents: source.contents)
        let m = try mapping(csv, source)
        let (customerCol, dateCol, quantityCol) = (m.customer, m.date, m.quantity)
        let (priceCol, amountCol, invoiceCol, productCol, dates) = (m.unitPrice, m.amount, m.invoice, m.product, m.dates)
        let valueCol = priceCol ?? amountCol!

        var rows = Rows()
        rows.customer.reserveCapacity(1 << 16); rows.day.reserveCapacity(1 << 16)
        rows.value.reserveCapacity(1 << 16); rows.kind.reserveCapacity(1 << 16)
        var invoices = ByteInterner(), products = ByteInterner()
        // Rows with a customer id, checked for copies after the parse, all at once (see
        // `RecordDeduplicator.copies`).
        var spans: [CSVReader.RecordSpan] = []
        var spanRows: [Int] = []
        let dropDuplicates = cleaning.duplicates == .drop
        let header = csv.header

        func number(_ j: Int) throws -> Double {
            switch NumberParser.parse(csv.field(j)) {
            case .number(let v): return v
            case .empty: throw DataError(file: path, row: csv.line, column: header[j], "is empty; a number is required")
            case .nonFinite:
                throw DataError(file: path, row: csv.line, column: header[j],
                                "'\(excerpt(csv.string(j)))' is not a finite number (NaN and infinities are bad input)")
            case .outOfRange:
                throw DataError(file: path, row: csv.line, column: header[j], NumberParser.outOfRangeMessage(excerpt(csv.string(j))))
            case .invalid: throw DataError(file: path, row: csv.line, column: header[j], "'\(excerpt(csv.string(j)))' is not a number")
            }
        }

        while try csv.next() {
            guard let day = dates.day(csv.field(dateCol)) else {
                let text = csv.string(dateCol)
                let expected = source.dateFormat.map { "date_format '\(excerpt($0))'" } ?? "ISO 8601, e.g. 2011-12-09 or 2011-12-09T12:50:00"
                throw DataError(file: path, row: csv.line, column: header[dateCol],
                                text.isEmpty ? "is empty; a date is required" : "'\(excerpt(text))' is not a valid date (expected \(expected))")
            }
            let quantity = try number(quantityCol)
            let v = try number(valueCol)
            let value = priceCol == nil ? v : quantity * v
            guard value.isFinite else {
                throw DataError(file: path, row: csv.line, column: header[valueCol],
                                "the line value \(header[quantityCol]) × \(header[valueCol]) is out of range (beyond ±1.8e308)")
            }
            let customer: Int32 = csv.isEmpty(customerCol) ? -1 : csv.withValue(customerCol) { rows.customerIDs.intern($0) }
            var kind: Kind = []
            var cancelled = false
            if let invoiceCol {
                rows.invoice.append(csv.withValue(invoiceCol) { b in
                    cancelled = b.first == UInt8(ascii: "C")
                    return invoices.intern(b)
                })
            }
            if let productCol { rows.product.append(csv.withValue(productCol) { products.intern($0) }) }
            if cancelled || quantity < 0 || (amountCol != nil && v < 0) {
                kind.insert(.return)
            } else if value <= 0 || (priceCol != nil && v <= 0) {
                kind.insert(.nonPositive)
            }
            if customer >= 0, dropDuplicates { spans.append(csv.recordSpan); spanRows.append(rows.count) }
            rows.customer.append(customer)
            rows.day.append(day)
            rows.value.append(value)
            rows.kind.append(kind)
        }
        if rows.count == 0 { throw DataError(file: path, row: 2, "has a header but no transaction rows") }
        var dedup = RecordDeduplicator(csv, capacity: spans.count)
        for (row, isCopy) in zip(spanRows, dedup.copies(among: spans)) where isCopy { rows.kind[row].insert(.duplicate) }
        rows.invoiceCount = invoices.count
        rows.productCount = products.count
        rows.columnCount = header.count
        return rows
    }

    /// Which rows survive the row-level cleaning, with one report step per rule.
    static func clean(_ rows: Rows, cleaning: CleaningRules, columns: Int) -> (keep: [Bool], steps: [DataReport.Step]) {
        var filter = RowFilter(count: rows.count, steps: [
            DataReport.Step(step: "read", rowsIn: rows.count, rowsOut: rows.count, detail: "\(rows.count) rows, \(columns) columns"),
        ])
        func drop(_ name: String, _ detail: String, where rule: (Int) -> Bool) { filter.drop(name, detail, where: rule) }
        drop("missing customer id", "rows with an empty customer id") { rows.customer[$0] < 0 }
        if cleaning.duplicates == .drop {
            drop("duplicates", "exact copies of an earlier row") { rows.kind[$0].contains(.duplicate) }
        }
        drop("non-positive price", "purchases with a unit price or line value <= 0") { rows.kind[$0].contains(.nonPositive) }
        if cleaning.cancellations == .exclude {
            drop("returns excluded", "cancellations and negative quantities (clean.cancellations: exclude)") {
                rows.kind[$0].contains(.return)
            }
        }
        return (filter.keep, filter.steps)
    }
}
