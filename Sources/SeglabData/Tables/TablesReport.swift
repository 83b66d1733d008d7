/// One join's unmatched keys, for the data report (`data_report.json`, `seglab show`).
public struct JoinCount: Sendable, Equatable, Codable {
    /// The lookup's name, or `customers`.
    public var table: String
    /// The looked-up column, `events.branch_id`.
    public var from: String
    /// `events` (event rows) or `customers` (rows of the customer table): what was counted.
    public var rows: String
    /// Rows whose key has no match (counted at the first broken link of a chain).
    public var unmatched: Int
    /// `drop` or `keep`, as declared.
    public var action: String
    public init(table: String, from: String, rows: String, unmatched: Int, action: String) {
        self.table = table; self.from = from; self.rows = rows; self.unmatched = unmatched; self.action = action
    }
}

/// An aggregate that was undefined for some customers, and what they got instead.
public struct UndefinedAggregate: Sendable, Equatable, Codable {
    public var aggregate: String
    public var customers: Int
    /// The declared `empty` value, or nil: a missing value (then `clean.missing` applies).
    public var empty: Double?
    public init(aggregate: String, customers: Int, empty: Double?) {
        self.aggregate = aggregate; self.customers = customers; self.empty = empty
    }
}

/// How a text column of a tables source is one-hot encoded (`Attribute.Kind.category`): an
/// empty cell is a missing value, encoded as all zeros (never a level); with `minShare`, levels
/// held by fewer than that share of the customers (and a level spelled `other`) go to one
/// column `<name>=other`.
public struct OneHotRule: Sendable, Equatable {
    public var minShare: Double?
    public init(minShare: Double?) { self.minShare = minShare }
}
