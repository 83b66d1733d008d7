import SeglabNumerics

/// The customer features of SPEC §5, aggregated from cleaned transaction rows.
public enum CustomerFeatures {
    /// The feature names, in SPEC §5 order (also the synthetic generator's columns).
    public static let names = ["recency_days", "frequency", "monetary", "tenure_days", "avg_basket",
                               "distinct_products", "return_rate", "days_between_orders"]
}

/// Customer features built as the rows stream past: per customer, the sums and first and last
/// purchase days at once (each customer's rows are added in file order, so the sums are those
/// of the rows in file order); per purchase, only what the distinct counts need (invoice,
/// product, day: 16 bytes), counted per customer once every row is in.
///
/// Customers are numbered by the caller in order of their first row in the file (whatever
/// cleaning does to that row), which is the order of the table.
struct CustomerAggregator {
    private struct Purchase {
        var customer: Int32, invoice: Int32, product: Int32, day: Int32
    }

    private var monetary: [Double] = [], returned: [Double] = []
    private var first: [Int32] = [], last: [Int32] = []
    private var purchaseCount: [Int32] = []
    /// Whether any row of the customer survived the row-level cleaning.
    private var hasRow: [Bool] = []
    private var purchases: [Purchase] = []
    /// Each row its own invoice (no invoice column).
    private let rowIsInvoice: Bool
    private let hasProducts: Bool

    init(hasInvoices: Bool, hasProducts: Bool) {
        rowIsInvoice = !hasInvoices
        self.hasProducts = hasProducts
        purchases.reserveCapacity(1 << 16)
    }

    /// Makes room for customers numbered up to `customer`.
    @inline(__always)
    private mutating func ensure(_ customer: Int) {
        while hasRow.count <= customer {
            monetary.append(0); returned.append(0); first.append(.max); last.append(.min)
            purchaseCount.append(0); hasRow.append(false)
        }
    }

    /// A return that survived cleaning: its absolute line value counts toward the return rate.
    mutating func addReturn(customer c: Int, value: Double) {
        ensure(c)
        hasRow[c] = true
        returned[c] += abs(value)
    }

    /// A purchase that survived cleaning.
    mutating func addPurchase(customer c: Int, day: Int32, value: Double, invoice: Int32, product: Int32) {
        ensure(c)
        hasRow[c] = true
        monetary[c] += value
        first[c] = min(first[c], day); last[c] = max(last[c], day)
        purchaseCount[c] += 1
        purchases.append(Purchase(customer: Int32(truncatingIfNeeded: c), invoice: invoice, product: product, day: day))
    }

    /// The table: one row per customer with a purchase, in customer order. `ids(c)` is customer
    /// c's id; `steps` the cleaning so far, to which the aggregation's two steps are added.
    mutating func table(customers: Int, ids: (Int) -> String, invoices: Int, products: Int, asOf: String?,
                         path: String, steps: [DataReport.Step]) throws -> CustomerTable {
        ensure(customers - 1)
        // Distinct invoices, products and days per customer: group the purchases by customer (a
        // stable counting sort), then stamp each value with the customer that last counted it.
        var start = [Int](repeating: 0, count: customers + 1)
        for c in 0 ..< customers { start[c + 1] = start[c] + Int(purchaseCount[c]) }
        var fill = start
        var order = [Int32](repeating: 0, count: purchases.count)
        var minDay = Int32.max, maxDay = Int32.min
        for (k, p) in purchases.enumerated() {
            order[fill[Int(p.customer)]] = Int32(truncatingIfNeeded: k)
            fill[Int(p.customer)] += 1
            minDay = min(minDay, p.day); maxDay = max(maxDay, p.day)
        }
        var invoiceStamp = [Int32](repeating: -1, count: invoices)
        var productStamp = [Int32](repeating: -1, count: products)
        var dayStamp = [Int32](repeating: -1, count: purchases.isEmpty ? 0 : Int(maxDay - minDay) + 1)
        var frequency = [Int](repeating: 0, count: customers), distinct = frequency, days = frequency
        for c in 0 ..< customers where start[c + 1] > start[c] {
            let stamp = Int32(c)
            for k in start[c] ..< start[c + 1] {
                let p = purchases[Int(order[k])]
                if rowIsInvoice {
                    frequency[c] += 1
                } else if invoiceStamp[Int(p.invoice)] != stamp {
                    invoiceStamp[Int(p.invoice)] = stamp; frequency[c] += 1
                }
                if hasProducts, productStamp[Int(p.product)] != stamp {
                    productStamp[Int(p.product)] = stamp; distinct[c] += 1
                }
                if dayStamp[Int(p.day - minDay)] != stamp { dayStamp[Int(p.day - minDay)] = stamp; days[c] += 1 }
            }
        }

        var steps = steps
        let remainingRows = steps.last?.rowsOut ?? 0
        let withRows = hasRow.prefix(customers).filter { $0 }.count
        steps.append(.init(step: "aggregate", rowsIn: remainingRows, rowsOut: withRows, detail: "rows to customers"))
        let survivors = (0 ..< customers).filter { purchaseCount[$0] > 0 }
        steps.append(.init(step: "no purchase", rowsIn: withRows, rowsOut: survivors.count,
                           detail: "customers whose remaining rows are all returns"))
        guard !survivors.isEmpty else {
            throw DataError(file: path, "no customer has a purchase left after cleaning")
        }
        let lastPurchase = survivors.map { last[$0] }.max()!

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

        var values = [Double]()
        values.reserveCapacity(survivors.count * CustomerFeatures.names.count)
        for c in survivors {
            let f = Double(frequency[c])
            values += [Double(asOfDay - last[c]), f, monetary[c], Double(asOfDay - first[c]),
                       monetary[c] / f, Double(distinct[c]), returned[c] / monetary[c],
                       days[c] > 1 ? Double(last[c] - first[c]) / Double(days[c] - 1) : 0]
        }
        var table = CustomerTable(ids: survivors.map(ids), numericNames: CustomerFeatures.names,
                                  numeric: Matrix(rows: survivors.count, cols: CustomerFeatures.names.count, storage: values),
                                  report: DataReport(source: "transactions_csv", steps: steps, customers: survivors.count))
        if !hasProducts {
            table.notComputable["distinct_products"] = "the data has no product column (transactions_csv.product is not set)"
        }
        return table
    }
}
