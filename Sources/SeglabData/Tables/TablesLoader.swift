import SeglabNumerics

/// What a tables load does with the product categories it declares.
public enum CategoryFitting {
    /// Fit them on the data, with this clusterer (the runner's seeded K-Means).
    case fit(KeywordClusterer)
    /// Use categories fitted before (`assign`, from `model.json`).
    case apply(ProductCategories)
}

/// Which customers and rows a load keeps beyond cleaning, to predict the segments of new
/// customers from their first events (`seglab predict-check`): customers whose first kept
/// event is on or after `since`, and only their rows dated less than `days` days after it.
public struct FirstEvents: Sendable, Equatable {
    /// `yyyy-mm-dd`.
    public var since: String
    public var days: Int
    public init(since: String, days: Int) { self.since = since; self.days = days }
}

/// Loads a tables source (README "Several input tables"): reads every table, cleans the events,
/// joins the lookups, aggregates per customer and fits (or applies) the product categories,
/// once; then, per feature set, handles missing values on the columns it uses.
///
///     let session = TablesSession(source, categories: .fit(kMeans))
///     let table = try session.table(cleaning: rules, usedColumns: ["claims", "burn_rate"])
public final class TablesSession {
    public let source: TablesSource
    private let fitting: CategoryFitting?
    private let firstEvents: FirstEvents?
    /// `assign`: `events.until` is ignored and `as_of` is the declared one or the day after
    /// the new events' last date.
    private let forAssignment: Bool
    private var built: (duplicates: CleaningRules.Duplicates, table: CustomerTable)?

    public init(_ source: TablesSource, categories: CategoryFitting? = nil, firstEvents: FirstEvents? = nil,
                forAssignment: Bool = false) {
        self.source = source; fitting = categories; self.firstEvents = firstEvents; self.forAssignment = forAssignment
    }

    /// The customers with the columns `usedColumns` need (nil: all) and `clean.missing` applied
    /// to them; the other numeric columns are kept where every customer has a value (for
    /// `profile.csv`).
    public func table(cleaning: CleaningRules, usedColumns: Set<String>?) throws -> CustomerTable {
        let full: CustomerTable
        if let built, built.duplicates == cleaning.duplicates {
            full = built.table
        } else {
            full = try TablesLoader(source: source, duplicates: cleaning.duplicates, fitting: fitting,
                                    firstEvents: firstEvents, forAssignment: forAssignment).load()
            built = (cleaning.duplicates, full)
        }
        return try TablesLoader.missing(full, source: source, rule: cleaning.missing, used: usedColumns)
    }
}

/// The one load of a tables source (see `TablesSession`).
struct TablesLoader {
    let source: TablesSource
    let duplicates: CleaningRules.Duplicates
    let fitting: CategoryFitting?
    let firstEvents: FirstEvents?
    let forAssignment: Bool

    private var s: TablesSource { source }

    // MARK: - Reading

    /// Columns to read from one table, with the declaration behind each (for a missing column).
    private struct Plan {
        var request = TableColumns.Request()
        var declared: [(column: String, path: String)] = []
        mutating func text(_ column: String, _ path: String) { request.text.insert(column); declared.append((column, path)) }
        mutating func number(_ column: String, _ path: String) { request.numbers.insert(column); declared.append((column, path)) }
        mutating func date(_ column: String, _ path: String) { request.dates.insert(column); declared.append((column, path)) }

        func read(_ path: String) throws -> TableColumns {
            try TableColumns(path: path, request: request) { header in
                for (column, place) in declared where !header.contains(column) {
                    throw DeclarationError(path: place, "\(path) has no column '\(excerpt(column))'; its header has: \(excerptList(header))")
                }
            }
        }
    }

    /// The columns each table must provide: the declared roles, the join columns, and the
    /// columns read by aggregates and attributes.
    private func plans() -> [String: Plan] {
        var plans: [String: Plan] = ["events": Plan()]
        for l in s.lookups { plans[l.name] = Plan() }
        if s.customers != nil { plans["customers"] = Plan() }
        let e = s.events
        plans["events"]!.text(e.customer, TablesPlace.events("customer"))
        plans["events"]!.date(e.date, TablesPlace.events("date"))
        plans["events"]!.request.required = [e.date]
        for (i, d) in e.dates.enumerated() { plans["events"]!.date(d, TablesPlace.events("dates[\(i)]")) }
        plans["events"]!.request.dateFormat = e.dateFormat
        for (role, column) in [("amount", e.amount), ("quantity", e.quantity), ("unit_price", e.unitPrice)] {
            guard let column else { continue }
            plans["events"]!.number(column, TablesPlace.events(role))
            plans["events"]!.request.required.insert(column)
        }
        for (role, column) in [("product", e.product), ("description", e.description)] {
            if let column { plans["events"]!.text(column, TablesPlace.events(role)) }
        }
        if duplicates == .drop { plans["events"]!.request.copiesWhereNotEmpty = e.customer }
        for l in s.lookups {
            plans[l.name]!.text(l.key, TablesPlace.lookup(l.name, "key"))
            plans[l.from.table]?.text(l.from.column, TablesPlace.lookup(l.name, "from"))
        }
        if let c = s.customers {
            plans["customers"]!.text(c.id, TablesPlace.customers("id"))
            for a in c.attributes {
                if a.kind == .number { plans[a.column.table]?.number(a.column.column, TablesPlace.attribute(a.name)) }
                else { plans[a.column.table]?.text(a.column.column, TablesPlace.attribute(a.name)) }
            }
        }
        for a in s.aggregates {
            guard let ref = a.operation.column else { continue }
            let place = TablesPlace.aggregate(a.name) + "." + a.operation.keyword
            if ref.table == "events" && ref.column == EventTable.lineValue && e.quantity != nil { continue }
            if a.operation.readsNumbers { plans[ref.table]?.number(ref.column, place) }
            else if !a.operation.readsDates { plans[ref.table]?.text(ref.column, place) }
        }
        return plans
    }

    // MARK: - Load

    func load() throws -> CustomerTable {
        let plans = self.plans()
        let events = try plans["events"]!.read(s.events.path)
        var steps = [DataReport.Step(step: "read", rowsIn: events.count, rowsOut: events.count,
                                     detail: "\(events.count) event rows, \(events.header.count) columns")]
        let value = try lineValues(events)
        var keep = try cleanEvents(events, value: value, steps: &steps)

        // Lookups, the customer table and the truth table, each indexed by its key.
        var indexes: [String: LookupJoin.Index] = [:]
        for l in s.lookups {
            indexes[l.name] = try LookupJoin.Index(name: l.name, table: plans[l.name]!.read(l.path), key: l.key)
        }
        let customerText = events.text[s.events.customer]!
        var joins: [JoinCount] = []
        let resolved = LookupJoin.resolve(root: "events", table: events, active: keep, lookups: s.lookups, indexes: indexes, source: s)
        var customerRow: [Int32]?
        var customersResolved = LookupJoin.Resolved()
        var excludedCustomerRow: [Bool] = []
        if let c = s.customers {
            let index = try LookupJoin.Index(name: "customers", table: plans["customers"]!.read(c.path), key: c.id)
            indexes["customers"] = index
            let rows = index.rows(of: customerText.codes, in: customerText)
            customerRow = rows
            joins.append(JoinCount(table: "customers", from: "events.\(s.events.customer)", rows: "events",
                                   unmatched: rows.indices.reduce(0) { $0 + (keep[$1] && rows[$1] < 0 ? 1 : 0) }, action: c.unmatched.rawValue))
            customersResolved = LookupJoin.resolve(root: "customers", table: index.table, active: nil, lookups: s.lookups,
                                                   indexes: indexes, source: s)
            excludedCustomerRow = [Bool](repeating: false, count: index.table.count)
            for l in s.lookups where s.root(of: l.name) == "customers" && l.unmatched == .drop {
                let rows = customersResolved.rows[l.name]!
                for r in rows.indices where rows[r] < 0 && parentMatched(l, r, customersResolved) { excludedCustomerRow[r] = true }
            }
        }
        for l in s.lookups {
            let root = s.root(of: l.name)!
            let counts = root == "events" ? resolved : customersResolved
            joins.append(JoinCount(table: l.name, from: l.from.description, rows: root, unmatched: counts.unmatched[l.name] ?? 0,
                                   action: l.unmatched.rawValue))
        }
        if !joins.isEmpty {
            let before = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
            let dropping = s.lookups.filter { s.root(of: $0.name) == "events" && $0.unmatched == .drop }
            for i in keep.indices where keep[i] {
                var drop = dropping.contains { resolved.rows[$0.name]![i] < 0 && parentMatched($0, i, resolved) }
                if let customerRow, let c = s.customers {
                    let r = customerRow[i]
                    drop = drop || (r < 0 ? c.unmatched == .drop : excludedCustomerRow[Int(r)])
                }
                if drop { keep[i] = false }
            }
            let after = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
            let detail = joins.map { "\($0.table) \($0.unmatched) unmatched \($0.rows == "events" ? "event rows" : "customer rows") (\($0.action))" }
            steps.append(.init(step: "joins", rowsIn: before, rowsOut: after, detail: detail.joined(separator: "; ")))
        }
        let eventDays = events.days[s.events.date]!
        if let firstEvents { try selectFirstEvents(firstEvents, customers: customerText, days: eventDays, keep: &keep, steps: &steps) }

        // Customers: those with a kept row, in order of their first row in the file.
        var index = [Int32](repeating: -1, count: customerText.values.count)
        var customerCount = 0
        for (i, code) in customerText.codes.enumerated() where keep[i] && index[Int(code)] < 0 {
            index[Int(code)] = 0
        }
        for code in index.indices where index[code] == 0 { index[code] = Int32(customerCount); customerCount += 1 }
        let customerOf = customerText.codes.indices.map { keep[$0] ? index[Int(customerText.codes[$0])] : -1 }
        let groups = CustomerGroups(customerOf: customerOf, customers: customerCount)
        let keptRows = groups.order.count
        steps.append(.init(step: "aggregate", rowsIn: keptRows, rowsOut: customerCount, detail: "event rows to customers"))
        guard customerCount > 0 else {
            throw DataError(file: s.events.path, "no customer has an event row left after cleaning\(joins.isEmpty ? "" : " and joins")")
        }
        var ids = [String](repeating: "", count: customerCount)
        for code in index.indices where index[code] >= 0 { ids[Int(index[code])] = customerText.values.string(code) }

        let asOf = try asOfDay(groups.order.reduce(Int32.min) { max($0, eventDays[$1]) })
        let columns = Columns(source: s, events: events, value: value, resolved: resolved, indexes: indexes,
                              asOf: asOf, keep: keep, steps: &steps)
        try checkShares(columns)
        let aggregates = Aggregates.compute(s.aggregates, groups: groups, asOf: asOf, columns: columns)

        // Attributes, through the customer table (one row per customer: its first kept event's).
        let firstRow = (0 ..< customerCount).map { groups.order[groups.start[$0]] }
        let attributeRows = firstRow.map { customerRow?[$0] ?? -1 }
        var numericNames = s.aggregates.map(\.name)
        var numericValues = aggregates.values
        var categoricalNames: [String] = [], categorical: [[String]] = [], rules: [String: OneHotRule] = [:]
        for a in s.customers?.attributes ?? [] {
            let rows = a.column.table == "customers" ? attributeRows : attributeRows.map {
                $0 < 0 ? -1 : customersResolved.rows[a.column.table]![Int($0)]
            }
            let table = indexes[a.column.table]!.table
            switch a.kind {
            case .number:
                let x = table.numbers[a.column.column]!
                numericNames.append(a.name)
                numericValues.append(rows.map { $0 < 0 ? .nan : x[Int($0)] })
            case .category(let minShare):
                let text = table.text[a.column.column]!
                categoricalNames.append(a.name)
                categorical.append(rows.map { $0 < 0 ? "" : text.string(text.codes[Int($0)]) })
                rules[a.name] = OneHotRule(minShare: minShare)
            }
        }
        var fittedCategories: ProductCategories?
        if let definition = s.categories {
            let (fitted, shares) = try categoryShares(definition, events: events, value: value, groups: groups)
            fittedCategories = fitted
            for (n, column) in shares.enumerated() {
                numericNames.append(CategoriesDefinition.shareName(n + 1))
                numericValues.append(column)
            }
        }
        var truth: [String]?
        if let t = s.truth {
            let table = try TableColumns(path: t.path, request: TableColumns.Request(text: [t.id, t.column])) { header in
                for (column, key) in [(t.id, "id"), (t.column, "column")] where !header.contains(column) {
                    throw DeclarationError(path: TablesPlace.truth(key), "\(t.path) has no column '\(excerpt(column))'; its header has: \(excerptList(header))")
                }
            }
            let truthIndex = try LookupJoin.Index(name: "truth", table: table, key: t.id)
            let labels = table.text[t.column]!
            let idText = TableColumns.Text(codes: [], values: customerText.values)
            let rows = truthIndex.rows(forCodesOf: idText)
            truth = (0 ..< customerCount).map { c -> String in
                let r = rows[Int(customerText.codes[firstRow[c]])]
                return r < 0 ? "" : labels.string(labels.codes[Int(r)])
            }
        }

        var storage = [Double](repeating: 0, count: customerCount * numericNames.count)
        for (j, column) in numericValues.enumerated() {
            for i in 0 ..< customerCount { storage[i * numericNames.count + j] = column[i] }
        }
        var report = DataReport(source: "tables", steps: steps, customers: customerCount)
        report.joins = joins
        report.undefined = zip(s.aggregates, aggregates.undefined).filter { $1 > 0 }.map {
            UndefinedAggregate(aggregate: $0.name, customers: $1, empty: $0.empty)
        }
        var table = CustomerTable(ids: ids, numericNames: numericNames,
                                  numeric: Matrix(rows: customerCount, cols: numericNames.count, storage: storage),
                                  categoricalNames: categoricalNames, categorical: categorical, truth: truth, report: report)
        table.oneHotRules = rules
        table.productCategories = fittedCategories
        return table
    }

    private func parentMatched(_ l: LookupTable, _ i: Int, _ resolved: LookupJoin.Resolved) -> Bool {
        guard let parent = resolved.rows[l.from.table] else { return true }  // the root itself
        return parent[i] >= 0
    }

    // MARK: - Events

    /// Each row's line value (amount, or quantity × unit price), or nil without one.
    private func lineValues(_ events: TableColumns) throws -> [Double]? {
        let e = s.events
        if let a = e.amount { return events.numbers[a]! }
        guard let q = e.quantity, let p = e.unitPrice else { return nil }
        let quantity = events.numbers[q]!, price = events.numbers[p]!
        return try quantity.indices.map { i in
            let v = quantity[i] * price[i]
            guard v.isFinite else {
                throw DataError(file: e.path, row: events.lines[i], column: p,
                                "the line value \(q) × \(p) is out of range (beyond ±1.8e308)")
            }
            return v
        }
    }

    /// The row-level cleaning of the events, one report step per rule.
    private func cleanEvents(_ events: TableColumns, value: [Double]?, steps: inout [DataReport.Step]) throws -> [Bool] {
        var filter = RowFilter(count: events.count, steps: steps)
        func drop(_ name: String, _ detail: String, where rule: (Int) -> Bool) { filter.drop(name, detail, where: rule) }
        let customer = events.text[s.events.customer]!.codes
        drop("missing customer id", "rows with an empty customer id") { customer[$0] < 0 }
        if duplicates == .drop { drop("duplicates", "exact copies of an earlier row") { events.isCopy[$0] } }
        if let value {
            let parts = [s.events.quantity, s.events.unitPrice].compactMap { $0 }.map { events.numbers[$0]! }
            drop("non-positive value", "rows whose line value, quantity or unit price is <= 0 (returns, cancellations, free lines)") { i in
                value[i] <= 0 || parts.contains { $0[i] <= 0 }
            }
        }
        if let until = s.events.until, !forAssignment {
            let day = DateParser.parseISODate(until)!
            let dates = events.days[s.events.date]!
            drop("until", "events dated \(until) or later (events.until)") { dates[$0] >= day }
        }
        steps = filter.steps
        return filter.keep
    }

    /// Keeps only new customers' first events (`FirstEvents`).
    private func selectFirstEvents(_ f: FirstEvents, customers: TableColumns.Text, days: [Int32], keep: inout [Bool],
                                   steps: inout [DataReport.Step]) throws {
        let since = DateParser.parseISODate(f.since)!
        var first = [Int32](repeating: .max, count: customers.values.count)
        for i in keep.indices where keep[i] { first[Int(customers.codes[i])] = min(first[Int(customers.codes[i])], days[i]) }
        let before = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
        for i in keep.indices where keep[i] {
            let f0 = first[Int(customers.codes[i])]
            if f0 < since || days[i] >= f0 + Int32(f.days) { keep[i] = false }
        }
        let after = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
        steps.append(.init(step: "first events", rowsIn: before, rowsOut: after,
                           detail: "customers whose first event is on or after \(f.since): their events of the first \(f.days) day\(f.days == 1 ? "" : "s")"))
    }

    /// `as_of`: declared (and after the last event), else `until`, else the day after the last event.
    private func asOfDay(_ lastEvent: Int32) throws -> Int32 {
        if let text = s.asOf {
            let d = DateParser.parseISODate(text)!
            guard d > lastEvent else {
                throw DeclarationError(path: TablesPlace.asOf,
                    "as_of \(text) is not after the last event (\(DateParser.text(lastEvent))); recency would be negative (events.until cuts later events off)")
            }
            return d
        }
        if !forAssignment, let until = s.events.until { return DateParser.parseISODate(until)! }
        return lastEvent + 1
    }

    /// A `share` of a value that no row has is a typo, not a share of 0 for everyone: bad input
    /// when fitting (new customers in `assign` may well lack it).
    private func checkShares(_ columns: Columns) throws {
        guard !forAssignment else { return }
        for a in s.aggregates {
            guard case .share(let ref, let value) = a.operation else { continue }
            let (_, text) = columns.text(ref)
            guard text.codeTable()[value] == nil else { continue }
            let values = (0 ..< text.values.count).map { text.values.string($0) }.sorted()
            throw DeclarationError(path: TablesPlace.aggregate(a.name) + ".equals",
                "'\(excerpt(value))' never occurs in \(ref) (its values: \(excerptList(values)))")
        }
    }

    // MARK: - Product categories

    /// Fits (or applies) the categories on the kept rows' products and returns each customer's
    /// spend share per category.
    private func categoryShares(_ d: CategoriesDefinition, events: TableColumns, value: [Double]?,
                                groups: CustomerGroups) throws -> (ProductCategories, [[Double]]) {
        let descriptions = events.text[s.events.description!]!
        let productCodes = s.events.product.map { events.text[$0]!.codes } ?? descriptions.codes
        let productText = s.events.product.map { events.text[$0]! } ?? descriptions
        let keywords = Keywords(extraStopWords: d.stopWords)
        // Products in order of their first kept row; each one's descriptions with their row counts.
        var productIndex = [Int32](repeating: -1, count: productText.values.count + 1)
        var products: [ProductKeywords] = []
        var descriptionRows: [[Int32: Int]] = []
        var wordsOf: [Int32: [String]] = [:]
        let weight = value ?? [Double](repeating: 1, count: events.count)
        var productOfRow = [Int32](repeating: -1, count: events.count)
        for i in groups.order.sorted() {
            let code = Int(productCodes[i]) + 1  // slot 0: an empty product cell
            if productIndex[code] < 0 {
                productIndex[code] = Int32(products.count)
                products.append(ProductKeywords(product: productText.string(productCodes[i]), description: "", words: [], rows: 0, spend: 0))
                descriptionRows.append([:])
            }
            let p = Int(productIndex[code])
            productOfRow[i] = Int32(p)
            products[p].rows += 1
            products[p].spend += weight[i]
            descriptionRows[p][descriptions.codes[i], default: 0] += 1
        }
        for p in products.indices {
            var words = Set<String>()
            for code in descriptionRows[p].keys where code >= 0 {
                if wordsOf[code] == nil { wordsOf[code] = keywords.words(in: descriptions.string(code)) }
                words.formUnion(wordsOf[code]!)
            }
            products[p].words = words.sorted()
            // The most frequent description; on ties the first seen (lowest code, interned in file order).
            let best = descriptionRows[p].max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
            products[p].description = best.map { descriptions.string($0.key) } ?? ""
        }
        let fitted: ProductCategories
        let category: [Int]
        switch fitting {
        case .fit(let clusterer)?:
            fitted = try ProductCategories.fit(products, definition: d, clusterer: clusterer)
            category = fitted.products.map(\.category)
        case .apply(let given)?:
            fitted = given
            category = given.categories(of: products.map(\.words))
        case nil:
            throw DeclarationError(path: TablesPlace.categories, "product categories cannot be fitted here (no clusterer)")
        }
        var shares = [[Double]](repeating: [Double](repeating: 0, count: groups.customers), count: fitted.k)
        for c in 0 ..< groups.customers {
            var total = 0.0
            var spend = [Double](repeating: 0, count: fitted.k + 1)
            for i in groups.rows(of: c) {
                total += weight[i]
                spend[category[Int(productOfRow[i])]] += weight[i]
            }
            for n in 0 ..< fitted.k { shares[n][c] = spend[n + 1] / total }
        }
        return (fitted, shares)
    }

    // MARK: - Missing values

    /// `clean.missing` on the used numeric columns (text attributes encode a missing value as
    /// all zeros instead); unused numeric columns stay only where every customer has a value.
    static func missing(_ full: CustomerTable, source: TablesSource, rule: CleaningRules.Missing,
                        used: Set<String>?) throws -> CustomerTable {
        let keepColumns = full.numericNames.indices.filter { j in
            used?.contains(full.numericNames[j]) ?? true || !(0 ..< full.count).contains { full.numeric[$0, j].isNaN }
        }
        var table = full
        table.numericNames = keepColumns.map { full.numericNames[$0] }
        table.numeric = full.numeric.selectingColumns(keepColumns)
        if rule == .error {
            for (j, name) in table.numericNames.enumerated() {
                guard let i = (0 ..< table.count).first(where: { table.numeric[$0, j].isNaN }) else { continue }
                let n = (0 ..< table.count).reduce(0) { $0 + (table.numeric[$1, j].isNaN ? 1 : 0) }
                let fix = "set clean.missing to drop, mean, median, zero or ffill"
                if let a = source.aggregates.first(where: { $0.name == name }) {
                    throw DeclarationError(path: TablesPlace.aggregate(name),
                        "undefined for \(n) customers (first: '\(excerpt(table.ids[i]))'; \(undefinedReason(a))); give the aggregate an \"empty\" value, or \(fix)")
                }
                throw DeclarationError(path: TablesPlace.attribute(name),
                    "\(n) customers have no value (first: '\(excerpt(table.ids[i]))': an empty cell or no row in the customer table); \(fix)")
            }
        }
        let step = try MissingValues.apply(rule, to: &table, checkText: false, lines: [], path: source.events.path)
        table.report.steps.append(step)
        if table.count == 0 { throw DataError(file: source.events.path, "no customer is left after clean.missing: drop") }
        table.report.customers = table.count
        return table
    }

    private static func undefinedReason(_ a: AggregateDefinition) -> String {
        switch a.operation {
        case .ratio: return "a zero denominator or an undefined operand"
        case .mean, .min, .max: return a.window == nil ? "no value in the column" : "no value in the window"
        default: return a.window == nil ? "no row" : "no row in the window"
        }
    }
}

/// Event-row columns of a tables source, through the lookup chains (`EventColumns`).
private struct Columns: EventColumns {
    let source: TablesSource
    let events: TableColumns
    let value: [Double]?
    let resolved: LookupJoin.Resolved
    let indexes: [String: LookupJoin.Index]
    /// Date columns with days on or after `as_of` blanked.
    private let days: [String: [Int32]]

    init(source: TablesSource, events: TableColumns, value: [Double]?, resolved: LookupJoin.Resolved,
         indexes: [String: LookupJoin.Index], asOf: Int32, keep: [Bool], steps: inout [DataReport.Step]) {
        self.source = source; self.events = events; self.value = value; self.resolved = resolved; self.indexes = indexes
        var days: [String: [Int32]] = [:]
        var ignored: [String] = []
        for name in source.events.dateColumns {
            var d = events.days[name]!
            var n = 0
            for i in d.indices where d[i] != TableColumns.noDay && d[i] >= asOf {
                d[i] = TableColumns.noDay
                if keep[i] { n += 1 }
            }
            if n > 0 { ignored.append("\(name) \(n)") }
            days[name] = d
        }
        self.days = days
        if !ignored.isEmpty {
            let kept = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
            steps.append(.init(step: "dates after as_of", rowsIn: kept, rowsOut: kept,
                               detail: "dates on or after as_of \(DateParser.text(asOf)) treated as missing: \(ignored.joined(separator: ", "))"))
        }
    }

    /// Row i's row in `ref`'s table (-1: missing), and that table.
    private func rows(_ ref: ColumnRef) -> (rows: [Int32]?, table: TableColumns) {
        ref.table == "events" ? (nil, events) : (resolved.rows[ref.table]!, indexes[ref.table]!.table)
    }

    /// A date column of events read as text has the cells `days` blanks missing too.
    func text(_ ref: ColumnRef) -> (codes: [Int32], values: TableColumns.Text) {
        let (rows, table) = self.rows(ref)
        let column = table.text[ref.column]!
        guard let rows else {
            guard let d = days[ref.column], ref.table == "events" else { return (column.codes, column) }
            return (zip(column.codes, d).map { $1 == TableColumns.noDay ? -1 : $0 }, column)
        }
        return (rows.map { $0 < 0 ? -1 : column.codes[Int($0)] }, column)
    }

    func numbers(_ ref: ColumnRef) -> [Double] {
        if ref.table == "events", ref.column == EventTable.lineValue, source.events.quantity != nil { return value! }
        let (rows, table) = self.rows(ref)
        let x = table.numbers[ref.column]!
        guard let rows else { return x }
        return rows.map { $0 < 0 ? .nan : x[Int($0)] }
    }

    func days(_ ref: ColumnRef) -> [Int32] { days[ref.column]! }
}
