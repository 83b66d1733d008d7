import SeglabNumerics

/// Customers after loading and cleaning: one row per customer, in input order (for
/// transactions, in order of each customer's first row). Feature sets are built from it.
public struct CustomerTable: Sendable, Equatable {
    public var ids: [String]
    /// Names of the numeric candidate feature columns, in file (or SPEC §5) order.
    public var numericNames: [String]
    /// Unscaled numeric values, `ids.count` × `numericNames.count`; never NaN after cleaning.
    public var numeric: Matrix
    /// Text columns of a customers_csv, usable through a feature set's `onehot`.
    public var categoricalNames: [String]
    /// `categorical[j][i]` is column j's value for customer i.
    public var categorical: [[String]]
    /// Known segments (the `truth` column or the synthetic generator's), if any.
    public var truth: [String]?
    /// What loading and cleaning did, step by step.
    public var report: DataReport
    /// The bounds `clean.outliers` computed on these customers, per column (none without a
    /// rule): `assign` clips new customers with them, as the run's customers were.
    public var outlierBounds: [OutlierBound] = []
    /// Columns present only to keep the feature list of SPEC §5 whole, which the source cannot
    /// compute (`distinct_products` without a product column), with the reason.
    public var notComputable: [String: String] = [:]
    /// One-hot rules of text columns that have one (a tables source's category attributes);
    /// a column without one encodes every value, the empty one included, as its own level.
    public var oneHotRules: [String: OneHotRule] = [:]
    /// Product categories fitted while loading (a tables source with `categories`).
    public var productCategories: ProductCategories?

    public init(ids: [String], numericNames: [String], numeric: Matrix,
                categoricalNames: [String] = [], categorical: [[String]] = [],
                truth: [String]? = nil, report: DataReport) {
        self.ids = ids; self.numericNames = numericNames; self.numeric = numeric
        self.categoricalNames = categoricalNames; self.categorical = categorical
        self.truth = truth; self.report = report
    }

    public var count: Int { ids.count }
}

/// Rows in and out of every loading and cleaning step, for the data report artifact.
public struct DataReport: Sendable, Equatable, Codable {
    public struct Step: Sendable, Equatable, Codable {
        public var step: String
        public var rowsIn: Int
        public var rowsOut: Int
        public var detail: String
        public init(step: String, rowsIn: Int, rowsOut: Int, detail: String = "") {
            self.step = step; self.rowsIn = rowsIn; self.rowsOut = rowsOut; self.detail = detail
        }
        enum CodingKeys: String, CodingKey {
            case step, detail
            case rowsIn = "rows_in"
            case rowsOut = "rows_out"
        }
    }
    /// "synthetic", "customers_csv", "transactions_csv" or "tables".
    public var source: String
    public var steps: [Step]
    public var customers: Int
    /// For a feature set that takes every candidate column: the columns it left out and why
    /// (empty when none was); nil for a feature set that lists its columns.
    public var leftOut: [LeftOutFeature]?
    /// A tables source's joins: unmatched keys per lookup (nil for other sources).
    public var joins: [JoinCount]?
    /// A tables source's aggregates that were undefined for some customers (nil for other sources).
    public var undefined: [UndefinedAggregate]?
    public init(source: String, steps: [Step] = [], customers: Int = 0) {
        self.source = source; self.steps = steps; self.customers = customers
    }
    enum CodingKeys: String, CodingKey {
        case source, steps, customers, joins, undefined
        case leftOut = "left_out"
    }
}

extension CustomerTable {
    /// The customers at `indices`, in that order, every column and the truth kept aligned.
    func selectingRows(_ indices: [Int]) -> CustomerTable {
        var t = self
        t.ids = indices.map { ids[$0] }
        t.numeric = numeric.selectingRows(indices)
        t.categorical = categorical.map { column in indices.map { column[$0] } }
        t.truth = truth.map { truth in indices.map { truth[$0] } }
        return t
    }

    /// The index of numeric column `name`, if present.
    func numericIndex(_ name: String) -> Int? { numericNames.firstIndex(of: name) }
}

/// One column's outlier bounds, as computed at load time.
public struct OutlierBound: Sendable, Equatable, Codable {
    public var column: String
    public var lower: Double
    public var upper: Double
    public init(column: String, lower: Double, upper: Double) {
        self.column = column; self.lower = lower; self.upper = upper
    }
}
