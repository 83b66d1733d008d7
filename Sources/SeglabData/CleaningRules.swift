/// The `clean` block of an experiment (SPEC §1, §5).
public struct CleaningRules: Sendable, Equatable {
    /// Empty cells of a customers_csv (see `MissingValues`): `error` names the first one;
    /// `drop` drops the customer; `mean`/`median`/`zero` fill numeric cells; `ffill` carries
    /// the previous customer's value forward, and cells before the first value take the first
    /// value below (backward fill). Transactions ignore it: an empty customer id is dropped,
    /// any other empty cell is bad input.
    public enum Missing: String, Sendable, CaseIterable { case error, drop, mean, median, zero, ffill }
    public enum Duplicates: String, Sendable, CaseIterable { case drop, keep }
    public enum Cancellations: String, Sendable, CaseIterable { case returns, exclude }

    public var missing: Missing
    public var duplicates: Duplicates
    public var cancellations: Cancellations
    public var outliers: OutlierRule?

    public init(missing: Missing = .error, duplicates: Duplicates = .drop,
                cancellations: Cancellations = .returns, outliers: OutlierRule? = nil) {
        self.missing = missing; self.duplicates = duplicates
        self.cancellations = cancellations; self.outliers = outliers
    }
}

/// Outlier handling on customer features, applied per feature column.
public struct OutlierRule: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        /// Outside [Q1 − factor·IQR, Q3 + factor·IQR].
        case iqr(factor: Double)
        /// |x − mean| > limit · population standard deviation.
        case zscore(limit: Double)
        /// Outside the [lower, upper] quantiles (fractions in 0...1, linear interpolation).
        case quantile(lower: Double, upper: Double)
    }
    public enum Action: String, Sendable, CaseIterable { case clip, drop }
    public var method: Method
    public var action: Action
    public init(method: Method, action: Action) { self.method = method; self.action = action }
}
