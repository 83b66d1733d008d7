import SeglabNumerics

/// The customer features of SPEC §5, aggregated from cleaned transaction rows.
public enum CustomerFeatures {
    /// The feature names, in SPEC §5 order (also the synthetic generator's columns).
    public static let names = ["recency_days", "frequency", "monetary", "tenure_days", "avg_basket",
                               "distinct_products", "return_rate", "days_between_orders"]
}

/// Customer features built as the rows stream past: per customer, the sums and first and last
/// purchase days at once (each customer's rows are added in file order, so the sums are those
/// of the rows in file order); for the distinct counts, the purchases in runs of one customer,
/// invoice and day (an order's lines arrive together: about five lines a run), each run
/// 24 bytes and each line only its product (4 bytes), counted per customer once every row is in.
///
/// Customers are numbered by the caller in order of their first row in the file (whatever
/// cleaning does to that row), which is the order of the table.
struct CustomerAggregator {
    /// One customer's running figures, together: a row touches one cache line, not one per figure.
    private struct Totals {
        var monetary = 0.0, returned = 0.0
        var first = Int32.max, last = Int32.min
        /// The customer's latest run of purchases (-1: none yet); runs link to their predecessor.
        var lastRun: Int32 = -1
        /// Whether any row of the customer survived the row-level cleaning.
        var hasRow = false
    }

    /// Consecutive purchases of one customer with the same invoice and day; their products are
    /// `products[start ..< start + count]`.
    private struct Run {
        var start: Int
        var invoice: Int32, day: Int32, count: Int32
        /// The customer's run before this one (-1: none).
        var previous: Int32
    }

    private var totals: [Totals] = []
    private var runs: [Run] = []
    /// The customer of the run being extended (-1: none).
    private var runCustomer = -1
    private var products: [Int32] = []
    /// Each row its own invoice (no invoice column).
    private let rowIsInvoice: Bool
    private let hasProducts: Bool

    init(hasInvoices: Bool, hasProducts: Bool) {
        rowIsInvoice = !hasInvoices
        self.hasProducts = hasProducts
    }

    /// Reserves room for the purchases of about `rows` rows (an estimate; the lists grow beyond
    /// it if need be). Capped at 2^26 rows, so that a wild estimate cannot ask for gigabytes.
    mutating func reserve(rows estimate: Int) {
        let rows = min(estimate, 1 << 26)
        if hasProducts { products.reserveCapacity(rows) }
        runs.reserveCapacity(rows / 2)
    }

    /// Makes room for customers numbered up to `customer`.
    @inline(__always)
    private mutating func ensure(_ customer: Int) {
        if totals.count <= customer { totals += repeatElement(Totals(), count: customer + 1 - totals.count) }
    }

    /// A return that survived cleaning: its absolute line value counts toward the return rate.
    mutating func addReturn(customer c: Int, value: Double) {
        ensure(c)
        totals[c].hasRow = true
        totals[c].returned += abs(value)
    }

    /// A purchase that survived cleaning.
    mutating func addPurchase(customer c: Int, day: Int32, value: Double, invoice: Int32, product: Int32) {
        ensure(c)
        totals.withUnsafeMutableBufferPointer { t in
            t[c].hasRow = true
            t[c].monetary += value
            t[c].first = min(t[c].first, day); t[c].last = max(t[c].last, day)
        }
        if hasProducts { products.append(product) }
        if runCustomer == c, let r = runs.indices.last, runs[r].invoice == invoice, runs[r].day == day, runs[r].count < .max {
            runs[r].count += 1
        } else {
            guard runs.count < Int32.max else { preconditionFailure("more than 2^31 orders") }
            runs.append(Run(start: products.count - (hasProducts ? 1 : 0), invoice: invoice, day: day, count: 1,
                            previous: totals[c].lastRun))
            totals[c].lastRun = Int32(runs.count - 1)
            runCustomer = c
        }
    }

    /// The table: one row per customer with a purchase, in customer order. `ids(c)` is customer
    /// c's id; `steps` the cleaning so far, to which the aggregation's two steps are added.
    mutating func table(customers: Int, ids: (Int) -> String, invoices: Int, products productCount: Int, asOf: String?,
                         path: String, steps: [DataReport.Step]) throws -> CustomerTable {
        ensure(customers - 1)
        // Distinct invoices, products and days per customer: walk each customer's runs and stamp
        // each value with the customer that last counted it.
        var minDay = Int32.max, maxDay = Int32.min
        for t in totals where t.lastRun >= 0 { minDay = min(minDay, t.first); maxDay = max(maxDay, t.last) }
        var invoiceStamp = [Int32](repeating: -1, count: invoices)
        var productStamp = [Int32](repeating: -1, count: productCount)
        var dayStamp = [Int32](repeating: -1, count: minDay > maxDay ? 0 : Int(maxDay - minDay) + 1)
        var frequency = [Int](repeating: 0, count: customers), distinct = frequency, days = frequency
        for c in 0 ..< customers {
            let stamp = Int32(c)
            var r = Int(totals[c].lastRun)
            while r >= 0 {
                let run = runs[r]
                if rowIsInvoice {
                    frequency[c] += Int(run.count)
                } else if invoiceStamp[Int(run.invoice)] != stamp {
                    invoiceStamp[Int(run.invoice)] = stamp; frequency[c] += 1
                }
                if hasProducts {
                    for k in run.start ..< run.start + Int(run.count) where productStamp[Int(products[k])] != stamp {
                        productStamp[Int(products[k])] = stamp; distinct[c] += 1
                    }
                }
                if dayStamp[Int(run.day - minDay)] != stamp { dayStamp[Int(run.day - minDay)] = stamp; days[c] += 1 }
                r = Int(run.previous)
            }
        }
        var steps = steps
        let remainingRows = steps.last?.rowsOut ?? 0
        let withRows = totals.prefix(customers).filter(\.hasRow).count
        steps.append(.init(step: "aggregate", rowsIn: remainingRows, rowsOut: withRows, detail: "rows to customers"))
        let survivors = (0 ..< customers).filter { totals[$0].lastRun >= 0 }
        steps.append(.init(step: "no purchase", rowsIn: withRows, rowsOut: survivors.count,
                           detail: "customers whose remaining rows are all returns"))
        guard !survivors.isEmpty else {
            throw DataError(file: path, "no customer has a purchase left after cleaning")
        }
        let lastPurchase = survivors.map { totals[$0].last }.max()!

        let asOfDay: Int32
        if let asOf {
            guard let d = DateParser.parseISODate(asOf) else {
                throw DataError(file: path, column: "as_of", "'\(excerpt(asOf))' is not a yyyy-mm-dd date")
            }
            guard d >= lastPurchase else {
                throw DataError(file: path, column: "as_of",
                                "as_of \(asOf) is before the last purchase (\(DateParser.text(lastPurchase))); recency would be negative")
            }
            asOfDay = d
        } else {
            asOfDay = lastPurchase + 1
        }

        let width = CustomerFeatures.names.count
        // Every value is written: no zeroing pass first.
        let numeric = Matrix(rows: survivors.count, cols: width) { values in
            for (i, c) in survivors.enumerated() {
                let t = totals[c], f = Double(frequency[c])
                let row = [Double(asOfDay - t.last), f, t.monetary, Double(asOfDay - t.first),
                           t.monetary / f, Double(distinct[c]), t.returned / t.monetary,
                           days[c] > 1 ? Double(t.last - t.first) / Double(days[c] - 1) : 0]
                precondition(row.count == width)
                for j in 0 ..< width { values[i * width + j] = row[j] }
            }
        }
        var table = CustomerTable(ids: survivors.map(ids), numericNames: CustomerFeatures.names,
                                  numeric: numeric,
                                  report: DataReport(source: "transactions_csv", steps: steps, customers: survivors.count))
        if !hasProducts {
            table.notComputable["distinct_products"] = "the data has no product column (transactions_csv.product is not set)"
        }
        return table
    }
}
