/// `clean.outliers` on customer feature columns (after aggregation for transactions; on the
/// numeric used columns of a customers_csv). Bounds are computed per column on all customers
/// before anything changes; `clip` moves values outside to the nearest bound, `drop` removes
/// every customer with a value outside in any of the columns.
///
/// - `iqr(factor)`: [Q1 − factor·IQR, Q3 + factor·IQR], quartiles by linear interpolation.
/// - `zscore(limit)`: [mean − limit·sd, mean + limit·sd], population standard deviation.
/// - `quantile(lower, upper)`: the two quantiles themselves.
enum OutlierFilter {
    static func apply(_ rule: OutlierRule, to table: inout CustomerTable, columns: [Int]) -> DataReport.Step {
        let n = table.count
        var outside = [Bool](repeating: false, count: n)
        var clipped = 0
        for j in columns {
            let column = (0 ..< n).map { table.numeric[$0, j] }
            let (lo, hi) = bounds(rule.method, column)
            table.outlierBounds.append(OutlierBound(column: table.numericNames[j], lower: lo, upper: hi))
            for i in 0 ..< n where column[i] < lo || column[i] > hi {
                outside[i] = true
                if rule.action == .clip { table.numeric[i, j] = min(max(column[i], lo), hi); clipped += 1 }
            }
        }
        let names = columns.map { table.numericNames[$0] }.joined(separator: ", ")
        if rule.action == .clip {
            return .init(step: "outliers", rowsIn: n, rowsOut: n, detail: "clipped \(clipped) values in \(names)")
        }
        table = table.selectingRows((0 ..< n).filter { !outside[$0] })
        return .init(step: "outliers", rowsIn: n, rowsOut: table.count, detail: "dropped customers outside the bounds of \(names)")
    }

    static func bounds(_ method: OutlierRule.Method, _ column: [Double]) -> (Double, Double) {
        switch method {
        case .iqr(let factor):
            let sorted = column.sorted()
            let q1 = Quantile.of(sorted: sorted, 0.25), q3 = Quantile.of(sorted: sorted, 0.75)
            return (q1 - factor * (q3 - q1), q3 + factor * (q3 - q1))
        case .zscore(let limit):
            let mean = column.reduce(0, +) / Double(column.count)
            let sd = (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count)).squareRoot()
            return (mean - limit * sd, mean + limit * sd)
        case .quantile(let lower, let upper):
            let sorted = column.sorted()
            return (Quantile.of(sorted: sorted, lower), Quantile.of(sorted: sorted, upper))
        }
    }
}
