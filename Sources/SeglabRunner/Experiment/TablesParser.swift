import SeglabData

/// Reads and validates `data.tables` (README "Several input tables"). Everything that needs no
/// data is checked here: table names, what every `table.column` may refer to, lookup chains,
/// the aggregates' operations, windows and ratios, the categories' options. Whether the files
/// have the columns is checked when they are read (`TablesSession`), before any run starts.
enum TablesParser {
    static let reservedTables: Set<String> = ["events", "customers", "truth"]

    static func parse(_ node: JSONNode, path resolve: (JSONNode) throws -> String) throws -> TablesSource {
        _ = try node.members(allowed: ["events", "lookups", "customers", "truth", "as_of", "aggregates", "categories"])
        let events = try parseEvents(node.required("events"), resolve)
        var source = TablesSource(events: events)
        if let c = node.member("customers") {
            _ = try c.members(allowed: ["path", "id", "unmatched", "attributes"])
            source.customers = CustomerAttributesTable(path: try resolve(c.required("path")), id: try c.required("id").nonEmptyString(),
                                                      unmatched: try c.member("unmatched")?.choice(Unmatched.self) ?? .keep)
        }
        if let l = node.member("lookups") {
            source.lookups = try l.members().map { name, n in
                try checkName(name, n, what: "lookup table")
                if reservedTables.contains(name) { throw n.fail("'\(name)' names a table of its own; choose another lookup name") }
                _ = try n.members(allowed: ["path", "key", "from", "unmatched"])
                return LookupTable(name: name, path: try resolve(n.required("path")), key: try n.required("key").nonEmptyString(),
                                   from: try columnRef(n.required("from")),
                                   unmatched: try n.member("unmatched")?.choice(Unmatched.self) ?? .keep)
            }
            for (lookup, (_, n)) in zip(source.lookups, try l.members()) {
                let from = try n.required("from")
                guard source.tableNames.contains(lookup.from.table) else {
                    throw from.fail("no table named '\(excerpt(lookup.from.table))' (tables: \(source.tableNames.joined(separator: ", ")))")
                }
                guard source.root(of: lookup.name) != nil else {
                    throw from.fail("the lookups chain back to '\(lookup.name)' itself; a chain must start from events or customers")
                }
            }
        }
        if let c = node.member("customers"), let a = c.member("attributes") {
            source.customers!.attributes = try a.members().map { name, n in try parseAttribute(name, n, source) }
        }
        if let t = node.member("truth") {
            _ = try t.members(allowed: ["path", "id", "column"])
            source.truth = TruthTable(path: try resolve(t.required("path")), id: try t.required("id").nonEmptyString(),
                                      column: try t.required("column").nonEmptyString())
        }
        if let n = node.member("as_of") { source.asOf = try date(n) }
        if let c = node.member("categories") {
            guard events.description != nil else {
                throw c.fail("product categories need the events' description column (data.tables.events.description)")
            }
            source.categories = try parseCategories(c)
        }
        if let a = node.member("aggregates") {
            let entries = try a.members()
            source.aggregates = try entries.map { name, n in try parseAggregate(name, n, source) }
            try checkRatios(source, entries)
        }
        try checkFeatureNames(source, node)
        return source
    }

    // MARK: - Tables

    private static func parseEvents(_ n: JSONNode, _ resolve: (JSONNode) throws -> String) throws -> EventTable {
        _ = try n.members(allowed: ["path", "customer", "date", "dates", "date_format", "amount", "quantity", "unit_price",
                                    "product", "description", "until"])
        var e = EventTable(path: try resolve(n.required("path")), customer: try n.required("customer").nonEmptyString(),
                           date: try n.required("date").nonEmptyString())
        e.dates = try n.member("dates")?.stringList() ?? []
        if let f = n.member("date_format") {
            let format = try f.nonEmptyString()
            if let problem = CalendarDay.formatProblem(format) { throw f.fail(problem) }
            e.dateFormat = format
        }
        e.amount = try n.member("amount")?.nonEmptyString()
        e.quantity = try n.member("quantity")?.nonEmptyString()
        e.unitPrice = try n.member("unit_price")?.nonEmptyString()
        if e.amount != nil && (e.quantity != nil || e.unitPrice != nil) {
            throw n.fail("give the line value as 'amount', or as 'quantity' and 'unit_price', not both")
        }
        if (e.quantity == nil) != (e.unitPrice == nil) { throw n.fail("'quantity' and 'unit_price' go together (their product is the line value)") }
        e.product = try n.member("product")?.nonEmptyString()
        e.description = try n.member("description")?.nonEmptyString()
        if let u = n.member("until") { e.until = try date(u) }
        return e
    }

    private static func parseAttribute(_ name: String, _ n: JSONNode, _ source: TablesSource) throws -> Attribute {
        try checkName(name, n, what: "attribute")
        let columnNode: JSONNode
        var kind = Attribute.Kind.category(minShare: nil)
        if case .string = n.value {
            columnNode = n
        } else {
            _ = try n.members(allowed: ["column", "type", "min_share"])
            columnNode = try n.required("column")
            let type = try n.member("type")?.string() ?? "category"
            switch type {
            case "category": kind = .category(minShare: try n.member("min_share")?.real(min: 0, max: 1, minExclusive: true))
            case "number":
                if let m = n.member("min_share") { throw m.fail("min_share applies to a category attribute, not a number") }
                kind = .number
            default: throw try n.required("type").fail("'\(excerpt(type))' is not one of: category, number")
            }
        }
        let column = try columnRef(columnNode)
        guard column.table == "customers" || source.root(of: column.table) == "customers" else {
            throw columnNode.fail("an attribute is a column of the customer table or of a lookup chained from it ('\(excerpt(column.table))' is not)")
        }
        return Attribute(name: name, column: column, kind: kind)
    }

    private static func parseCategories(_ n: JSONNode) throws -> CategoriesDefinition {
        _ = try n.members(allowed: ["k", "min_products", "weighting", "stop_words", "name_words", "n_init"])
        var d = CategoriesDefinition(k: try n.required("k").int(min: 2, max: 1_000))
        if let m = n.member("min_products") { d.minProducts = try m.int(min: 1, max: 1_000_000) }
        if let w = n.member("weighting") { d.weighting = try w.choice(CategoriesDefinition.Weighting.self) }
        if let s = n.member("stop_words") { d.stopWords = try s.stringList() }
        if let w = n.member("name_words") { d.nameWords = try w.int(min: 1, max: 20) }
        if let i = n.member("n_init") { d.nInit = try i.int(min: 1, max: 1_000) }
        return d
    }

    // MARK: - Aggregates

    private static func parseAggregate(_ name: String, _ n: JSONNode, _ source: TablesSource) throws -> AggregateDefinition {
        try checkName(name, n, what: "aggregate")
        let members = try n.members(allowed: AggregateDefinition.Operation.keywords + ["equals", "window", "empty"])
        let operations = members.filter { AggregateDefinition.Operation.keywords.contains($0.key) }
        guard operations.count == 1, let (keyword, arg) = operations.first else {
            throw n.fail("give exactly one operation (\(AggregateDefinition.Operation.keywords.joined(separator: ", "))), found \(operations.count)")
        }
        let operation: AggregateDefinition.Operation
        switch keyword {
        case "count":
            operation = .count(try arg.string() == "events" ? nil : try eventColumn(arg, source))
        case "distinct": operation = .distinct(try eventColumn(arg, source))
        case "sum": operation = .sum(try eventColumn(arg, source, number: true))
        case "mean": operation = .mean(try eventColumn(arg, source, number: true))
        case "min": operation = .min(try eventColumn(arg, source, number: true))
        case "max": operation = .max(try eventColumn(arg, source, number: true))
        case "share":
            let e = try n.required("equals")
            guard case .string(let value) = e.value else { throw e.fail("expected the value to count, as a string; found \(e.value.typeName)") }
            if value.isEmpty { throw e.fail("an empty cell is a missing value, not a value to count; share counts rows equal to a value") }
            operation = .share(try eventColumn(arg, source), equals: value)
        case "ratio":
            let operands = try arg.stringList(unique: false)
            guard operands.count == 2 else { throw arg.fail("expected two aggregate names [numerator, denominator], found \(operands.count)") }
            operation = .ratio(operands[0], operands[1])
        case "recency": operation = .recency(try dateColumn(arg, source))
        default: operation = .tenure(try dateColumn(arg, source))
        }
        if keyword != "share", let e = n.member("equals") { throw e.fail("'equals' belongs to a share") }
        var definition = AggregateDefinition(name: name, operation: operation)
        if let w = n.member("window") {
            if case .ratio = operation { throw w.fail("a ratio has no window of its own: give its operands windows") }
            _ = try w.members(allowed: ["days", "on"])
            let on = try w.member("on").map { try dateColumn($0, source) } ?? ColumnRef(table: "events", column: source.events.date)
            definition.window = .init(days: try w.required("days").int(min: 1, max: 1_000_000), on: on)
        }
        if let e = n.member("empty") { definition.empty = try e.real() }
        return definition
    }

    /// Ratio operands are declared aggregates, and no ratio divides by itself through others.
    private static func checkRatios(_ source: TablesSource, _ entries: [(key: String, node: JSONNode)]) throws {
        let names = Set(source.aggregates.map(\.name))
        for (a, (_, n)) in zip(source.aggregates, entries) {
            guard case .ratio(let x, let y) = a.operation else { continue }
            let node = try n.required("ratio")
            for operand in [x, y] where !names.contains(operand) {
                throw node.fail("'\(excerpt(operand))' is not an aggregate (aggregates: \(excerptList(source.aggregates.map(\.name))))")
            }
            var stack = [x, y], seen = Set<String>()
            while let name = stack.popLast() {
                if name == a.name { throw node.fail("the ratio '\(a.name)' depends on itself") }
                guard seen.insert(name).inserted, case .ratio(let p, let q)? = source.aggregates.first(where: { $0.name == name })?.operation else { continue }
                stack += [p, q]
            }
        }
    }

    /// A column of the event rows: of events, or of a lookup chained from them.
    private static func eventColumn(_ n: JSONNode, _ source: TablesSource, number: Bool = false) throws -> ColumnRef {
        let ref = try columnRef(n)
        if ref.table == "events" && ref.column == EventTable.lineValue && source.events.quantity != nil {
            guard number else { throw n.fail("events.line_value is the computed line value: use it with sum, mean, min or max") }
            return ref
        }
        guard ref.table == "events" || source.lookup(ref.table) != nil else {
            throw n.fail("no table named '\(excerpt(ref.table))' (tables: \(source.tableNames.joined(separator: ", ")))")
        }
        guard source.root(of: ref.table) == "events" else {
            throw n.fail("aggregates run over event rows; '\(excerpt(ref.table))' is chained from the customer table, not from events")
        }
        return ref
    }

    /// One of the events' date columns (`date` and `dates`).
    private static func dateColumn(_ n: JSONNode, _ source: TablesSource) throws -> ColumnRef {
        let ref = try columnRef(n)
        guard ref.table == "events", source.events.dateColumns.contains(ref.column) else {
            throw n.fail("'\(excerpt(ref.description))' is not a date column (date columns: \(source.events.dateColumns.map { "events.\($0)" }.joined(separator: ", ")); declare others in data.tables.events.dates)")
        }
        return ref
    }

    // MARK: - Names

    private static func columnRef(_ n: JSONNode) throws -> ColumnRef {
        let text = try n.nonEmptyString()
        guard let ref = ColumnRef(text) else { throw n.fail("'\(excerpt(text))' must name a column as table.column (e.g. events.status)") }
        return ref
    }

    private static func date(_ n: JSONNode) throws -> String {
        let text = try n.string()
        guard CalendarDay.parseISODate(text) != nil else { throw n.fail("'\(excerpt(text))' is not a date of the form yyyy-mm-dd") }
        return text
    }

    private static func checkName(_ name: String, _ n: JSONNode, what: String) throws {
        guard !name.isEmpty, name.unicodeScalars.count <= 128,
              name.unicodeScalars.allSatisfy({ ExperimentParser.nameCharacters.contains($0) }) else {
            throw n.fail("\(what) name '\(excerpt(name))' must match [a-z0-9_-]+ (at most 128 characters)")
        }
    }

    /// Aggregates, attributes and category shares share one namespace: the feature names.
    private static func checkFeatureNames(_ source: TablesSource, _ node: JSONNode) throws {
        var seen = Set<String>()
        for name in source.aggregates.map(\.name) + (source.customers?.attributes.map(\.name) ?? []) {
            if CategoriesDefinition.shareIndex(name) != nil {
                throw node.fail("'\(name)' looks like a product category share (cat_<n>_share); choose another feature name")
            }
            if !seen.insert(name).inserted { throw node.fail("'\(name)' names both an aggregate and an attribute; feature names must differ") }
        }
    }
}
