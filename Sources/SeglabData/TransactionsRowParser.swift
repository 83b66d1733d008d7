import Dispatch
import Foundation

/// The parsing side of `TransactionsLoader.load`, on a thread of its own: reads the file,
/// parses and checks every row (date, numbers, line value), copies its customer, invoice and
/// product texts out of the read buffer with their hashes and the duplicate check's key of
/// rows with a customer id, and hands the rows over in batches, in file order. A bad row ends
/// the stream: its batch carries the rows before it and the error.
///
/// Batches go round a ring of `ringSize`: the parser fills one while the loader works through
/// another, and waits when the loader is `ringSize` batches behind (memory stays bounded).
final class RowParser: @unchecked Sendable {
    /// Rows parsed in file order, then what ended them.
    final class Batch {
        fileprivate(set) var rows: [TransactionsLoader.Row] = []
        /// The rows' texts, back to back.
        fileprivate(set) var text: [UInt8] = []
        /// The bad row's error, after `rows`.
        fileprivate(set) var error: Error?
        /// The file ends after `rows`.
        fileprivate(set) var isLast = false
        /// Bytes of the file up to the end of `rows`.
        fileprivate(set) var bytesRead = 0
    }

    static let ringSize = 4

    // Only the parsing thread touches `csv` (the loader's duplicate check only rereads the
    // file by offset, which needs no reader state) and the batch it is filling; a batch
    // changes hands through the semaphores, which order the memory accesses.
    private let csv: CSVReader
    private let m: TransactionsLoader.Mapping
    private let source: TransactionsCSVSource
    private let keys: Bool
    private let ring = (0 ..< ringSize).map { _ in Batch() }
    private let free = DispatchSemaphore(value: ringSize), filled = DispatchSemaphore(value: 0)
    private let done = DispatchGroup()
    private let lock = NSLock()
    private var stopped = false, running = false
    /// The loader's next batch (loader side only).
    private var taken = 0

    /// `keys`: compute the duplicate check's key of rows with a customer id.
    init(_ csv: CSVReader, _ m: TransactionsLoader.Mapping, source: TransactionsCSVSource, keys: Bool) {
        self.csv = csv; self.m = m; self.source = source; self.keys = keys
    }

    /// Starts parsing on another thread.
    func start() {
        running = true
        // A serial queue of its own (as the file's hashing has): its work always gets a thread,
        // whereas a block on the global pool could queue behind callers that wait for it.
        DispatchQueue(label: "seglab.parse-rows").async(group: done) { [self] in
            var k = 0
            while true {
                free.wait()
                if lock.withLock({ stopped }) { return }
                let batch = ring[k % Self.ringSize]
                fill(batch)
                filled.signal()
                if batch.isLast || batch.error != nil { return }
                k += 1
            }
        }
    }

    /// The next batch in file order (waits for it); valid until `recycle()`.
    func nextBatch() -> Batch {
        filled.wait()
        return ring[taken % Self.ringSize]
    }

    /// Gives the batch `nextBatch` returned back for refilling.
    func recycle() {
        taken += 1
        free.signal()
    }

    /// Stops the parsing thread and waits for it (the reader is then free again). Idempotent.
    func stop() {
        guard running else { return }
        running = false
        lock.withLock { stopped = true }
        free.signal()  // wakes a parser waiting for a free batch; it sees `stopped`
        done.wait()
    }

    private func fill(_ batch: Batch) {
        // Locals, so that the per-row work retains nothing.
        let csv = self.csv, m = self.m, keys = self.keys
        let valueCol = m.unitPrice ?? m.amount!
        var rows = batch.rows, text = batch.text
        batch.rows = []; batch.text = []
        rows.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
        batch.error = nil
        batch.isLast = false
        defer { batch.rows = rows; batch.text = text; batch.bytesRead = csv.recordSpan.end }
        do {
            while rows.count < TransactionsLoader.batchRows {
                guard try csv.next() else { batch.isLast = true; return }
                guard let day = m.dates.day(csv.field(m.date)) else { throw badDate() }
                let quantity = try number(m.quantity)
                let v = try number(valueCol)
                let value = m.unitPrice == nil ? v : quantity * v
                guard value.isFinite else { throw outOfRange(valueCol) }
                let customer = csv.isEmpty(m.customer) ? nil : Self.copy(csv, m.customer, to: &text)
                let invoice = m.invoice.map { Self.copy(csv, $0, to: &text) }
                let cancelled = invoice.map { $0.end > $0.start && text[$0.start] == UInt8(ascii: "C") } ?? false
                let product = m.product.map { Self.copy(csv, $0, to: &text) }
                let isReturn = cancelled || quantity < 0 || (m.amount != nil && v < 0)
                let key = customer != nil && keys ? try StreamingDeduplicator.key(csv) : nil
                rows.append(TransactionsLoader.Row(day: day, value: value, isReturn: isReturn,
                                                   isNonPositive: !isReturn && (value <= 0 || (m.unitPrice != nil && v <= 0)),
                                                   customer: customer, invoice: invoice, product: product, key: key))
            }
        } catch {
            batch.error = error
        }
    }

    /// Field `j`'s value (doubled quotes undone) appended to `text`. Takes `text` inout rather
    /// than capturing it: a captured variable is boxed and pays an exclusivity check per access.
    @inline(__always)
    private static func copy(_ csv: CSVReader, _ j: Int, to text: inout [UInt8]) -> TransactionsLoader.Text {
        csv.withValue(j) { b in
            let start = text.count
            text.append(contentsOf: b)
            return TransactionsLoader.Text(start: start, end: text.count, hash: ByteHashIndex.hash(b))
        }
    }

    private func badDate() -> DataError {
        let shown = csv.string(m.date)
        let expected = source.dateFormat.map { "date_format '\(excerpt($0))'" } ?? "ISO 8601, e.g. 2011-12-09 or 2011-12-09T12:50:00"
        return DataError(file: source.path, row: csv.line, column: csv.header[m.date],
                         shown.isEmpty ? "is empty; a date is required" : "'\(excerpt(shown))' is not a valid date (expected \(expected))")
    }

    private func outOfRange(_ valueCol: Int) -> DataError {
        DataError(file: source.path, row: csv.line, column: csv.header[valueCol],
                  "the line value \(csv.header[m.quantity]) × \(csv.header[valueCol]) is out of range (beyond ±1.8e308)")
    }

    @inline(__always)
    private func number(_ j: Int) throws -> Double {
        let cell = NumberParser.parse(csv.field(j))
        if case .number(let v) = cell { return v }
        let (path, header) = (source.path, csv.header)
        switch cell {
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
}
