/// Where an experiment's customers come from (SPEC §1 `data`): exactly one source.
public enum DataSource: Sendable, Equatable {
    case synthetic(SyntheticSource)
    case customersCSV(CustomersCSVSource)
    case transactionsCSV(TransactionsCSVSource)
    /// Several tables: events, lookups, customers; declared aggregates and product categories.
    case tables(TablesSource)
}

/// The built-in generator of customer-level features with known segments.
public struct SyntheticSource: Sendable, Equatable {
    public var customers: Int
    public var segments: Int
    public var seed: UInt64
    public init(customers: Int, segments: Int, seed: UInt64) {
        self.customers = customers; self.segments = segments; self.seed = seed
    }
}

/// One row per customer; every other numeric column is a candidate feature.
public struct CustomersCSVSource: Sendable, Equatable {
    /// Absolute path (already resolved against the experiment file's folder).
    public var path: String
    public var id: String
    /// Column of known segments, never a feature; used only for `ari` and `nmi`.
    public var truth: String?
    /// The file's bytes when they are already in memory (a request body); `path` then only
    /// names them in messages.
    public var contents: [UInt8]?
    public init(path: String, id: String, truth: String? = nil, contents: [UInt8]? = nil) {
        self.path = path; self.id = id; self.truth = truth; self.contents = contents
    }
}

/// An order export: one row per line item; customer features are aggregated (SPEC §5).
public struct TransactionsCSVSource: Sendable, Equatable {
    public var path: String
    public var customer: String
    public var date: String
    public var quantity: String
    /// Exactly one of `unitPrice` and `amount` is set.
    public var unitPrice: String?
    public var amount: String?
    public var invoice: String?
    public var product: String?
    /// `yyyy-mm-dd`; nil means the day after the last purchase that survives cleaning.
    public var asOf: String?
    /// strftime directives `%Y %y %m %d %H %M %S %b`; nil means ISO 8601.
    public var dateFormat: String?
    /// The file's bytes when they are already in memory (a request body); `path` then only
    /// names them in messages.
    public var contents: [UInt8]?
    public init(path: String, customer: String, date: String, quantity: String,
                unitPrice: String? = nil, amount: String? = nil, invoice: String? = nil,
                product: String? = nil, asOf: String? = nil, dateFormat: String? = nil, contents: [UInt8]? = nil) {
        self.path = path; self.customer = customer; self.date = date; self.quantity = quantity
        self.unitPrice = unitPrice; self.amount = amount; self.invoice = invoice
        self.product = product; self.asOf = asOf; self.dateFormat = dateFormat; self.contents = contents
    }
}
