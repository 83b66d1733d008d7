/// Kept event rows grouped by customer: customer c's rows are `order[start[c] ..< start[c + 1]]`,
/// in file order (a counting sort, so sums run in file order).
struct CustomerGroups {
    var start: [Int]
    var order: [Int]
    var customers: Int { start.count - 1 }

    /// `customerOf[i]`: row i's customer (0 ..< customers), or -1 for a row that is not kept.
    init(customerOf: [Int32], customers: Int) {
        start = [Int](repeating: 0, count: customers + 1)
        for c in customerOf where c >= 0 { start[Int(c) + 1] += 1 }
        for c in 0 ..< customers { start[c + 1] += start[c] }
        order = [Int](repeating: 0, count: start[customers])
        var fill = start
        for (i, c) in customerOf.enumerated() where c >= 0 {
            order[fill[Int(c)]] = i
            fill[Int(c)] += 1
        }
    }

    func rows(of c: Int) -> ArraySlice<Int> { order[start[c] ..< start[c + 1]] }
}

/// A column's value in every event row, through its lookup chain (see `TablesLoader`).
protocol EventColumns {
    /// Codes (-1: missing) into the column's distinct values.
    func text(_ ref: ColumnRef) -> (codes: [Int32], values: TableColumns.Text)
    /// NaN: missing.
    func numbers(_ ref: ColumnRef) -> [Double]
    /// `TableColumns.noDay`: missing (or on or after `as_of`).
    func days(_ ref: ColumnRef) -> [Int32]
}

/// Computes declared aggregates (`AggregateDefinition`, whose comment states the rules) for
/// every customer.
enum Aggregates {
    struct Result {
        /// Per aggregate (in definition order), one value per customer; NaN where undefined and
        /// no `empty` was declared.
        var values: [[Double]]
        /// Per aggregate: customers for whom it was undefined (before `empty`).
        var undefined: [Int]
    }

    static func compute(_ definitions: [AggregateDefinition], groups: CustomerGroups, asOf: Int32,
                        columns: some EventColumns) -> Result {
        var values = [[Double]](repeating: [], count: definitions.count)
        var undefined = [Int](repeating: 0, count: definitions.count)
        var done = Set<Int>()
        func finish(_ k: Int, _ raw: [Double]) {
            let empty = definitions[k].empty
            undefined[k] = raw.reduce(0) { $0 + ($1.isNaN ? 1 : 0) }
            values[k] = empty.map { e in raw.map { $0.isNaN ? e : $0 } } ?? raw
            done.insert(k)
        }
        for (k, d) in definitions.enumerated() where !isRatio(d) {
            finish(k, rowAggregate(d, groups: groups, asOf: asOf, columns: columns))
        }
        // Ratios of ratios: each one once its operands are done (the parser refuses cycles).
        let index = Dictionary(uniqueKeysWithValues: definitions.enumerated().map { ($1.name, $0) })
        while done.count < definitions.count {
            for (k, d) in definitions.enumerated() where !done.contains(k) {
                guard case .ratio(let a, let b) = d.operation, let i = index[a], let j = index[b],
                      done.contains(i), done.contains(j) else { continue }
                finish(k, zip(values[i], values[j]).map { $1 == 0 || $0.isNaN || $1.isNaN ? .nan : $0 / $1 })
            }
        }
        return Result(values: values, undefined: undefined)
    }

    private static func isRatio(_ d: AggregateDefinition) -> Bool {
        if case .ratio = d.operation { return true }
        return false
    }

    /// One aggregate over each customer's rows (in its window); NaN where undefined.
    private static func rowAggregate(_ d: AggregateDefinition, groups: CustomerGroups, asOf: Int32,
                                     columns: some EventColumns) -> [Double] {
        let windowDays = d.window.map { columns.days($0.on) }
        let lower = asOf - Int32(clamping: d.window?.days ?? 0)
        func inWindow(_ i: Int) -> Bool {
            guard let w = windowDays else { return true }
            return w[i] != TableColumns.noDay && w[i] >= lower && w[i] < asOf
        }
        var out = [Double](repeating: 0, count: groups.customers)
        switch d.operation {
        case .count(nil):
            for c in 0 ..< groups.customers { out[c] = Double(groups.rows(of: c).reduce(0) { $0 + (inWindow($1) ? 1 : 0) }) }
        case .count(let ref?):
            let codes = present(ref, columns)
            for c in 0 ..< groups.customers { out[c] = Double(groups.rows(of: c).reduce(0) { $0 + (inWindow($1) && codes[$1] ? 1 : 0) }) }
        case .distinct(let ref):
            let (codes, text) = columns.text(ref)
            var stamp = [Int32](repeating: -1, count: text.values.count)
            for c in 0 ..< groups.customers {
                var n = 0
                for i in groups.rows(of: c) where inWindow(i) && codes[i] >= 0 && stamp[Int(codes[i])] != Int32(c) {
                    stamp[Int(codes[i])] = Int32(c)
                    n += 1
                }
                out[c] = Double(n)
            }
        case .sum(let ref), .mean(let ref), .min(let ref), .max(let ref):
            let x = columns.numbers(ref)
            for c in 0 ..< groups.customers {
                var sum = 0.0, n = 0, low = Double.infinity, high = -Double.infinity
                for i in groups.rows(of: c) where inWindow(i) && !x[i].isNaN {
                    sum += x[i]; n += 1
                    low = Swift.min(low, x[i]); high = Swift.max(high, x[i])
                }
                switch d.operation {
                case .sum: out[c] = sum
                case .mean: out[c] = n == 0 ? .nan : sum / Double(n)
                case .min: out[c] = n == 0 ? .nan : low
                default: out[c] = n == 0 ? .nan : high
                }
            }
        case .share(let ref, let value):
            let (codes, text) = columns.text(ref)
            let target = text.codeTable()[value] ?? -2  // never equal: no row has it
            for c in 0 ..< groups.customers {
                var rows = 0, hits = 0
                for i in groups.rows(of: c) where inWindow(i) {
                    rows += 1
                    if codes[i] == target { hits += 1 }
                }
                out[c] = rows == 0 ? .nan : Double(hits) / Double(rows)
            }
        case .recency(let ref), .tenure(let ref):
            let days = columns.days(ref)
            let latest: Bool
            if case .recency = d.operation { latest = true } else { latest = false }
            for c in 0 ..< groups.customers {
                var best: Int32?
                for i in groups.rows(of: c) where inWindow(i) && days[i] != TableColumns.noDay {
                    best = best.map { latest ? Swift.max($0, days[i]) : Swift.min($0, days[i]) } ?? days[i]
                }
                out[c] = best.map { Double(asOf - $0) } ?? .nan
            }
        case .ratio:
            preconditionFailure("ratios are computed from their operands")
        }
        return out
    }

    /// Whether each row's cell of `ref` is present (a number, a date or text, as the column is read).
    private static func present(_ ref: ColumnRef, _ columns: some EventColumns) -> [Bool] {
        columns.text(ref).codes.map { $0 >= 0 }
    }
}
