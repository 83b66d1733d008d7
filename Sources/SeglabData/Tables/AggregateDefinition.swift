/// A declared per-customer aggregate of event rows (`data.tables.aggregates`): a named
/// feature, usable in feature sets like a built-in one.
///
/// Rows are the customer's event rows left after cleaning and joins; with a `window`, only
/// those whose window date lies in the last `days` days before `as_of`
/// (`as_of − days ≤ date < as_of`). A missing cell (empty, or a join without a match) is
/// skipped by every operation.
///
/// When an aggregate is undefined for a customer — `share`, `mean`, `min`, `max`, `recency`,
/// `tenure` with no row (or no value) to aggregate, a `ratio` whose denominator is 0 or whose
/// operand is undefined — it takes `empty` if declared, else it is a missing value, which
/// follows `clean.missing`. `count`, `distinct` and `sum` are never undefined (0 without rows).
///
///     AggregateDefinition(name: "burn_rate", operation: .share(ColumnRef("events.status")!, equals: "burnt"))
public struct AggregateDefinition: Sendable, Equatable {
    public enum Operation: Sendable, Equatable {
        /// Rows (nil), or rows where the column is not missing.
        case count(ColumnRef?)
        /// Distinct values of the column (as text).
        case distinct(ColumnRef)
        case sum(ColumnRef), mean(ColumnRef), min(ColumnRef), max(ColumnRef)
        /// Rows where the column equals the value (as text), divided by the rows.
        case share(ColumnRef, equals: String)
        /// One aggregate divided by another (names of aggregates).
        case ratio(String, String)
        /// `as_of` minus the latest date in the column.
        case recency(ColumnRef)
        /// `as_of` minus the earliest date in the column.
        case tenure(ColumnRef)

        /// The experiment file's key for this operation.
        public var keyword: String {
            switch self {
            case .count: return "count"
            case .distinct: return "distinct"
            case .sum: return "sum"
            case .mean: return "mean"
            case .min: return "min"
            case .max: return "max"
            case .share: return "share"
            case .ratio: return "ratio"
            case .recency: return "recency"
            case .tenure: return "tenure"
            }
        }

        public static let keywords = ["count", "distinct", "sum", "mean", "min", "max", "share", "ratio", "recency", "tenure"]

        /// The column the operation reads, if any.
        public var column: ColumnRef? {
            switch self {
            case .count(let c): return c
            case .distinct(let c), .sum(let c), .mean(let c), .min(let c), .max(let c), .share(let c, _), .recency(let c), .tenure(let c):
                return c
            case .ratio: return nil
            }
        }

        /// Whether the column is read as numbers.
        public var readsNumbers: Bool {
            switch self {
            case .sum, .mean, .min, .max: return true
            default: return false
            }
        }

        /// Whether the column is read as dates.
        public var readsDates: Bool {
            switch self {
            case .recency, .tenure: return true
            default: return false
            }
        }

        /// Whether the value can be undefined (see `AggregateDefinition`).
        public var canBeUndefined: Bool {
            switch self {
            case .count, .distinct, .sum: return false
            default: return true
            }
        }
    }

    /// The last `days` days before `as_of`, by the date in column `on`.
    public struct Window: Sendable, Equatable {
        public var days: Int
        public var on: ColumnRef
        public init(days: Int, on: ColumnRef) { self.days = days; self.on = on }
    }

    public var name: String
    public var operation: Operation
    public var window: Window?
    /// The value when the aggregate is undefined for a customer; nil: a missing value.
    public var empty: Double?

    public init(name: String, operation: Operation, window: Window? = nil, empty: Double? = nil) {
        self.name = name; self.operation = operation; self.window = window; self.empty = empty
    }
}
