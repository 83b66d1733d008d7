import SeglabNumerics

/// The customer features of SPEC §5, aggregated from cleaned transaction rows.
public enum CustomerFeatures {
    /// The feature names, in SPEC §5 order (also the synthetic generator's columns).
    public static let names = ["recency_days", "frequency", "monetary", "tenure_days", "avg_basket",
                               "distinct_products", "return_rate", "days_between_orders"]

    /// One row per customer that has at least one surviving purchase, in order of each
    /// customer's first row in the file (its first appearance, whatever cleaning did to that
    /// row). Sums run over each customer's rows in file order.
    static func aggregate(_ rows: TransactionsLoader.Rows, keep: [Bool], asOf: String?, path: String,
                          steps: [DataReport.Step]) throws -> CustomerTable {
        let customers = rows.customerIDs.count
        // Group the surviving rows by customer (a stable counting sort keeps file order).
        var start = [Int](repeating: 0, count: customers + 1)
        var kept = 0
        var minDay = Int32.max, maxDay = Int32.min
        for i in 0 ..< rows.count where keep[i] {
            start[Int(rows.customer[i]) + 1] += 1
            kept += 1
            minDay = min(minDay, rows.day[i]); maxDay = max(maxDay, rows.day[i])
        }
        for c in 0 ..< customers { start[c + 1] += start[c] }
        var order = [Int](repeating: 0, count: kept)
        var fill = start
        for i in 0 ..< rows.count where keep[i] {
            let c = Int(rows.customer[i])
            order[fill[c]] = i
            fill[c] += 1
        }

        // Distinct counts by stamping: within one customer's group, a value is new when its
        // stamp is not yet that customer's number. O(rows), no sorting, no hashing.
        var invoiceStamp = [Int32](repeating: -1, count: rows.invoiceCount)
        var productStamp = [Int32](repeating: -1, count: rows.productCount)
        var dayStamp = [Int32](repeating: -1, count: kept == 0 ? 0 : Int(maxDay - minDay) + 1)

        struct Totals { var first: Int32, last: Int32, frequency, products, days: Int, monetary, returned: Double }
        var totals = [Totals?](repeating: nil, count: customers)
        var withRows = 0
        var lastPurchase = Int32.min
        for c in 0 ..< customers where start[c + 1] > start[c] {
            withRows += 1
            let stamp = Int32(c)
            var t = Totals(first: .max, last: .min, frequency: 0, products: 0, days: 0, monetary: 0, returned: 0)
            var purchases = 0
            for k in start[c] ..< start[c + 1] {
                let i = order[k]
                if rows.kind[i].contains(.return) { t.returned += abs(rows.value[i]); continue }
                purchases += 1
                t.monetary += rows.value[i]
                let d = rows.day[i]
                t.first = min(t.first, d); t.last = max(t.last, d)
                if rows.invoice.isEmpty {
                    t.frequency += 1
                } else if invoiceStamp[Int(rows.invoice[i])] != stamp {
                    invoiceStamp[Int(rows.invoice[i])] = stamp; t.frequency += 1
                }
                if !rows.product.isEmpty, productStamp[Int(rows.product[i])] != stamp {
                    productStamp[Int(rows.product[i])] = stamp; t.products += 1
                }
                if dayStamp[Int(d - minDay)] != stamp { dayStamp[Int(d - minDay)] = stamp; t.days += 1 }
            }
            if purchases > 0 {
                totals[c] = t
                lastPurchase = max(lastPurchase, t.last)
            }
        }
        var steps = steps
        let remainingRows = steps.last?.rowsOut ?? rows.count
        steps.append(.init(step: "aggregate", rowsIn: remainingRows, rowsOut: withRows, detail: "rows to customers"))
        let survivors = (0 ..< customers).filter { totals[$0] != nil }
        steps.append(.init(step: "no purchase", rowsIn: withRows, rowsOut: survivors.count,
                           detail: "customers whose remaining rows are all returns"))
        guard !survivors.isEmpty else {
            throw DataError(file: path, "no customer has a purchase left after cleaning")
        }

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
        values.reserveCapacity(survivors.count * names.count)
        for c in survivors {
            let t = totals[c]!
            let frequency = Double(t.frequency)
            values += [Double(asOfDay - t.last), frequency, t.monetary, Double(asOfDay - t.first),
                       t.monetary / frequency, Double(t.products), t.returned / t.monetary,
                       t.days > 1 ? Double(t.last - t.first) / Double(t.days - 1) : 0]
        }
        var table = CustomerTable(ids: survivors.map { rows.customerIDs.string($0) }, numericNames: names,
                                  numeric: Matrix(rows: survivors.count, cols: names.count, storage: values),
                                  report: DataReport(source: "transactions_csv", steps: steps, customers: survivors.count))
        if rows.product.isEmpty {
            table.notComputable["distinct_products"] = "the data has no product column (transactions_csv.product is not set)"
        }
        return table
    }
}
