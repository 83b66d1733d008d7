import Dispatch
import Foundation

/// Reads an order export (SPEC §1 `transactions_csv`) in one streamed pass: every row is
/// checked, the row-level cleaning of SPEC §5 decides its fate at once, and the survivors go
/// to `CustomerAggregator`. Memory is one read block, the ids seen, one hash slot per record
/// with a customer id (for exact duplicates) and the purchases in runs — not the file.
///
/// Two threads share the work, each in file order: `RowParser` reads, parses and checks rows
/// and hashes their texts (the other core, beside the file's SHA-256); this thread finds
/// exact duplicates, numbers the ids and aggregates, batch by batch. Each step sees the rows
/// in file order whatever the threads' timing, so the result does not depend on them.
///
/// Every row is parsed before any cleaning, so a malformed or empty date, quantity, price or
/// amount is bad input even in a row cleaning would drop; an empty customer id is not (the
/// row is dropped and counted). Exact duplicates compare the raw row text.
enum TransactionsLoader {
    /// Bytes read per block of the stream.
    static let blockSize = 4 << 20
    /// Rows parsed before they are handed over (and their duplicate lookups done together).
    static let batchRows = 2048

    /// A text of a parsed row: its bytes (doubled quotes undone) in its batch's `text`, and their hash.
    struct Text {
        var start: Int, end: Int, hash: UInt64
    }

    /// One parsed row.
    struct Row {
        var day: Int32
        var value: Double
        var isReturn: Bool, isNonPositive: Bool
        /// nil: an empty customer id.
        var customer: Text?
        var invoice: Text?, product: Text?
        /// For the duplicate check (rows with a customer id, when duplicates are dropped).
        var key: StreamingDeduplicator.Key?
    }

    /// Header positions of the mapped columns.
    struct Mapping {
        var customer, date, quantity: Int
        var unitPrice, amount, invoice, product: Int?
        var dates: DateParser
    }

    static func mapping(_ csv: CSVReader, _ source: TransactionsCSVSource) throws -> Mapping {
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
        let header = csv.header

        var customers = ByteInterner(), invoices = ByteInterner(), products = ByteInterner()
        var aggregator = CustomerAggregator(hasInvoices: m.invoice != nil, hasProducts: m.product != nil)
        var read = 0, missingID = 0, copies = 0, nonPositive = 0, excluded = 0

        var duplicates: StreamingDeduplicator? = cleaning.duplicates == .drop ? StreamingDeduplicator(csv) : nil
        let parser = RowParser(csv, m, source: source, keys: duplicates != nil)
        parser.start()
        defer { parser.stop() }
        var more = true
        while more {
            let batch = parser.nextBatch()
            if read == 0, batch.bytesRead > 0 {
                // Room for the purchases the whole file likely holds at the first batch's rate:
                // no copies as the lists grow, and a generous guess costs address space only
                // (pages never written are never resident).
                aggregator.reserve(rows: Int(Double(batch.rows.count) * Double(csv.fileSize) / Double(batch.bytesRead) * 1.25))
            }
            read += batch.rows.count
            // The batch's lookups into tables larger than the cache, read ahead together.
            duplicates?.prefetch(batch.rows.lazy.compactMap(\.key))
            customers.prefetch(hashes: batch.rows.lazy.compactMap { $0.customer?.hash })
            invoices.prefetch(hashes: batch.rows.lazy.compactMap { $0.invoice?.hash })
            try batch.text.withUnsafeBufferPointer { text in
                func bytes(_ t: Text) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: text[t.start ..< t.end]) }
                for row in batch.rows {
                    // The rules in their report order: a row is counted by the first that drops it.
                    // Duplicates are looked for among every earlier row with a customer id. Ids are
                    // numbered before cleaning, so customers keep the order of their first row.
                    guard let customer = row.customer.map({ customers.intern(bytes($0), hash: $0.hash) }) else {
                        missingID += 1; continue
                    }
                    if let key = row.key, try duplicates!.isCopy(key) { copies += 1; continue }
                    if row.isNonPositive { nonPositive += 1; continue }
                    if row.isReturn {
                        if cleaning.cancellations == .exclude { excluded += 1; continue }
                        aggregator.addReturn(customer: Int(customer), value: row.value)
                    } else {
                        // Invoices and products are only counted per customer: their numbers need no order.
                        let invoice = row.invoice.map { invoices.intern(bytes($0), hash: $0.hash) } ?? -1
                        let product = row.product.map { products.intern(bytes($0), hash: $0.hash) } ?? -1
                        aggregator.addPurchase(customer: Int(customer), day: row.day, value: row.value,
                                               invoice: invoice, product: product)
                    }
                }
            }
            if let error = batch.error { throw error }
            more = !batch.isLast
            parser.recycle()
        }
        parser.stop()
        duplicates = nil  // its table is not needed for the aggregation's last step
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
