/// Reads an order export (SPEC §1 `transactions_csv`) in one streamed pass: every row is
/// checked, the row-level cleaning of SPEC §5 decides its fate at once, and the survivors go
/// to `CustomerAggregator`. Memory is one read block, the ids seen, one hash slot per record
/// with a customer id (for exact duplicates) and 16 bytes per purchase — not the file.
///
/// Every row is parsed before any cleaning, so a malformed or empty date, quantity, price or
/// amount is bad input even in a row cleaning would drop; an empty customer id is not (the
/// row is dropped and counted). Exact duplicates compare the raw row text.
enum TransactionsLoader {
    /// Bytes read per block of the stream.
    static let blockSize = 4 << 20
    /// Rows parsed before their duplicate lookups are done together.
    static let batchRows = 512

    /// One parsed row, waiting for its batch's duplicate lookups.
    private struct Row {
        var customer: Int32, day: Int32, invoice: Int32, product: Int32
        var value: Double
        var isReturn: Bool, isNonPositive: Bool
        /// For the duplicate check (rows with a customer id, duplicates dropped).
        var key: StreamingDeduplicator.Key?
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

    /// Checks that the file's header has every mapped column (and the options are usable),
    /// reading only the first block.
    static func checkHeader(_ source: TransactionsCSVSource) throws {
        _ = try mapping(CSVReader(path: source.path, contents: source.contents, blockSize: 1 << 16), source)
    }

    /// The customers of the file with the row-level cleaning applied (no outlier rule), and the
    /// SHA-256 of the bytes read.
    static func load(_ source: TransactionsCSVSource, cleaning: CleaningRules, blockSize: Int = blockSize,
                     progress: ReadProgress? = nil) throws -> (table: CustomerTable, fingerprint: String) {
        let path = source.path
        let csv = try CSVReader(path: path, contents: source.contents, blockSize: blockSize, progress: progress)
        let m = try mapping(csv, source)
        let (customerCol, dateCol, quantityCol) = (m.customer, m.date, m.quantity)
        let (priceCol, amountCol, invoiceCol, productCol, dates) = (m.unitPrice, m.amount, m.invoice, m.product, m.dates)
        let valueCol = priceCol ?? amountCol!
        let header = csv.header

        var customers = ByteInterner(), invoices = ByteInterner(), products = ByteInterner()
        var aggregator = CustomerAggregator(hasInvoices: invoiceCol != nil, hasProducts: productCol != nil)
        var duplicates: StreamingDeduplicator? = cleaning.duplicates == .drop ? StreamingDeduplicator(csv) : nil
        var read = 0, missingID = 0, copies = 0, nonPositive = 0, excluded = 0

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

        // Rows are parsed in batches; each batch's duplicate lookups are then done together
        // (their cache misses overlap), and its rows are cleaned and aggregated in file order.
        var batch = [Row]()
        batch.reserveCapacity(Self.batchRows)
        var more = true
        while more {
            batch.removeAll(keepingCapacity: true)
            while batch.count < Self.batchRows {
                guard try csv.next() else { more = false; break }
                read += 1
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
                let customer = csv.isEmpty(customerCol) ? -1 : csv.withValue(customerCol) { customers.intern($0) }
                var cancelled = false
                let invoice: Int32 = invoiceCol.map { j in
                    csv.withValue(j) { b in
                        cancelled = b.first == UInt8(ascii: "C")
                        return invoices.intern(b)
                    }
                } ?? -1
                let product: Int32 = productCol.map { j in csv.withValue(j) { products.intern($0) } } ?? -1
                let isReturn = cancelled || quantity < 0 || (amountCol != nil && v < 0)
                let key = customer >= 0 && duplicates != nil ? try duplicates!.key(csv) : nil
                batch.append(Row(customer: customer, day: day, invoice: invoice, product: product, value: value,
                                 isReturn: isReturn, isNonPositive: !isReturn && (value <= 0 || (priceCol != nil && v <= 0)),
                                 key: key))
            }
            duplicates?.prefetch(batch.lazy.compactMap(\.key))
            for row in batch {
                // The rules in their report order: a row is counted by the first that drops it.
                // Duplicates are looked for among every earlier row with a customer id.
                if row.customer < 0 { missingID += 1; continue }
                if let key = row.key, try duplicates!.isCopy(key) { copies += 1; continue }
                if row.isNonPositive { nonPositive += 1; continue }
                if row.isReturn {
                    if cleaning.cancellations == .exclude { excluded += 1; continue }
                    aggregator.addReturn(customer: Int(row.customer), value: row.value)
                } else {
                    aggregator.addPurchase(customer: Int(row.customer), day: row.day, value: row.value,
                                           invoice: row.invoice, product: row.product)
                }
            }
        }
        duplicates = nil  // its table is not needed for the aggregation
        let fingerprint = try csv.fingerprint()
        if read == 0 { throw DataError(file: path, row: 2, "has a header but no transaction rows") }

        var steps = [DataReport.Step(step: "read", rowsIn: read, rowsOut: read, detail: "\(read) rows, \(header.count) columns")]
        var remaining = read
        func step(_ name: String, _ detail: String, dropped: Int) {
            steps.append(.init(step: name, rowsIn: remaining, rowsOut: remaining - dropped, detail: detail))
            remaining -= dropped
        }
        step("missing customer id", "rows with an empty customer id", dropped: missingID)
        if cleaning.duplicates == .drop { step("duplicates", "exact copies of an earlier row", dropped: copies) }
        step("non-positive price", "purchases with a unit price or line value <= 0", dropped: nonPositive)
        if cleaning.cancellations == .exclude {
            step("returns excluded", "cancellations and negative quantities (clean.cancellations: exclude)", dropped: excluded)
        }
        let table = try aggregator.table(customers: customers.count, ids: { customers.string($0) },
                                         invoices: invoices.count, products: products.count, asOf: source.asOf,
                                         path: path, steps: steps)
        return (table, fingerprint)
    }
}
