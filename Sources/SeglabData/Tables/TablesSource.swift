/// Several input tables (the `data.tables` source): one event table, lookup tables joined by
/// declared keys (chains allowed), an optional customer table of attributes, an optional
/// table of known segments, and the per-customer aggregates and product categories built
/// from them. Every column is named `table.column` (`events.status`, `branches.merchant_id`).
///
///     let source = TablesSource(events: EventTable(path: "transactions.csv", customer: "customer_id",
///                                                  date: "claimed_date"),
///                               aggregates: [AggregateDefinition(name: "claims", operation: .count(nil))])
public struct TablesSource: Sendable, Equatable {
    public var events: EventTable
    /// In declared order; each hangs off events, customers or another lookup.
    public var lookups: [LookupTable]
    public var customers: CustomerAttributesTable?
    public var truth: TruthTable?
    /// In declared order (a ratio may name any other aggregate).
    public var aggregates: [AggregateDefinition]
    public var categories: CategoriesDefinition?
    /// `yyyy-mm-dd`; nil means `events.until` if set, else the day after the last event date.
    public var asOf: String?
    /// SHA-256 of each table's file, by table name (`events`, `customers`, `truth`, each lookup's
    /// name), filled in by the planner before the run keys are computed (`hashingFiles()`).
    public var fileSHA256: [String: String]

    public init(events: EventTable, lookups: [LookupTable] = [], customers: CustomerAttributesTable? = nil,
                truth: TruthTable? = nil, aggregates: [AggregateDefinition] = [], categories: CategoriesDefinition? = nil,
                asOf: String? = nil) {
        self.events = events; self.lookups = lookups; self.customers = customers; self.truth = truth
        self.aggregates = aggregates; self.categories = categories; self.asOf = asOf
        fileSHA256 = [:]
    }

    /// The table names a column may start with: `events`, `customers` (when declared) and the lookups.
    public var tableNames: [String] {
        ["events"] + (customers == nil ? [] : ["customers"]) + lookups.map(\.name)
    }

    public func lookup(_ name: String) -> LookupTable? { lookups.first { $0.name == name } }

    /// Every table's file, by table name, in declared order: events, lookups, customers, truth.
    public var files: [(table: String, path: String)] {
        [("events", events.path)] + lookups.map { ($0.name, $0.path) }
            + (customers.map { [("customers", $0.path)] } ?? []) + (truth.map { [("truth", $0.path)] } ?? [])
    }

    /// The table a lookup chain starts from: `events` or `customers` (nil for an unknown table).
    public func root(of table: String) -> String? {
        var name = table, seen = Set<String>()
        while let l = lookup(name) {
            guard seen.insert(name).inserted else { return nil }
            name = l.from.table
        }
        return name == "events" || name == "customers" ? name : nil
    }

    /// The names of the features this source offers: aggregates, numeric attributes and the
    /// category shares (numeric), and the category attributes (text, for `onehot`).
    public var candidateColumns: (numeric: [String], categorical: [String]) {
        let attributes = customers?.attributes ?? []
        let numeric = aggregates.map(\.name) + attributes.filter { $0.kind == .number }.map(\.name)
            + (categories.map { c in (1 ... c.k).map { CategoriesDefinition.shareName($0) } } ?? [])
        return (numeric, attributes.filter { $0.kind != .number }.map(\.name))
    }
}

/// `table.column`, as the experiment file writes a column of a tables source.
public struct ColumnRef: Sendable, Hashable, CustomStringConvertible {
    public var table: String
    public var column: String
    public init(table: String, column: String) { self.table = table; self.column = column }

    /// Splits at the first `.` (table names have none); nil without one, or with an empty part.
    public init?(_ text: String) {
        guard let dot = text.firstIndex(of: "."), dot != text.startIndex, text.index(after: dot) != text.endIndex else { return nil }
        table = String(text[..<dot])
        column = String(text[text.index(after: dot)...])
    }

    public var description: String { "\(table).\(column)" }
}

/// The event table: one row per event (a transaction, a coupon claimed), with its customer and date.
public struct EventTable: Sendable, Equatable {
    public var path: String
    public var customer: String
    /// The event's date (required in every row, as SPEC §5's transaction date).
    public var date: String
    /// Other columns holding dates (an empty cell is a missing date), e.g. `burnt_date`.
    public var dates: [String]
    /// strftime directives for every date column; nil means ISO 8601.
    public var dateFormat: String?
    /// The line value: `amount`, or `quantity` × `unit_price` (then column `events.line_value`).
    public var amount: String?
    public var quantity: String?
    public var unitPrice: String?
    /// Product code and description, for product categories.
    public var product: String?
    public var description: String?
    /// `yyyy-mm-dd`: only events dated before it are kept (a training period's end).
    public var until: String?

    public init(path: String, customer: String, date: String, dates: [String] = [], dateFormat: String? = nil,
                amount: String? = nil, quantity: String? = nil, unitPrice: String? = nil, product: String? = nil,
                description: String? = nil, until: String? = nil) {
        self.path = path; self.customer = customer; self.date = date; self.dates = dates; self.dateFormat = dateFormat
        self.amount = amount; self.quantity = quantity; self.unitPrice = unitPrice; self.product = product
        self.description = description; self.until = until
    }

    /// The name of the computed line value column when it is quantity × unit price.
    public static let lineValue = "line_value"

    /// Whether events carry a line value (then rows whose value is ≤ 0 are dropped).
    public var hasValue: Bool { amount != nil || quantity != nil }

    /// The events column holding the line value, if any.
    public var valueColumn: String? { amount ?? (quantity == nil ? nil : Self.lineValue) }

    /// Every date column: the event date first, then `dates`.
    public var dateColumns: [String] { [date] + dates.filter { $0 != date } }
}

/// What a join does with a row whose key has no match.
public enum Unmatched: String, Sendable, CaseIterable {
    /// The row (an event, or a customer for a chain from the customer table) is left out.
    case drop
    /// The row stays; the lookup's columns are missing for it.
    case keep
}

/// A lookup table joined on `key` from a column of another table.
public struct LookupTable: Sendable, Equatable {
    public var name: String
    public var path: String
    /// This table's key column: each value at most once.
    public var key: String
    /// The column of events, customers or another lookup whose values are looked up.
    public var from: ColumnRef
    public var unmatched: Unmatched
    public init(name: String, path: String, key: String, from: ColumnRef, unmatched: Unmatched = .keep) {
        self.name = name; self.path = path; self.key = key; self.from = from; self.unmatched = unmatched
    }
}

/// The customer table: one row per customer (`id` unique), joined from `events.customer`.
public struct CustomerAttributesTable: Sendable, Equatable {
    public var path: String
    public var id: String
    /// Events of a customer the table does not have.
    public var unmatched: Unmatched
    public var attributes: [Attribute]
    public init(path: String, id: String, unmatched: Unmatched = .keep, attributes: [Attribute] = []) {
        self.path = path; self.id = id; self.unmatched = unmatched; self.attributes = attributes
    }
}

/// A customer attribute: a column of the customer table or of a lookup chained from it.
public struct Attribute: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// One-hot encoded; levels held by fewer than `minShare` of the customers go to `other`.
        case category(minShare: Double?)
        case number
    }
    public var name: String
    public var column: ColumnRef
    public var kind: Kind
    public init(name: String, column: ColumnRef, kind: Kind = .category(minShare: nil)) {
        self.name = name; self.column = column; self.kind = kind
    }
}

/// Known segments by customer id (for `ari` and `nmi` only, never a feature).
public struct TruthTable: Sendable, Equatable {
    public var path: String
    public var id: String
    public var column: String
    public init(path: String, id: String, column: String) { self.path = path; self.id = id; self.column = column }
}
