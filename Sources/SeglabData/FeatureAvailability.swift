import SeglabNumerics

/// A candidate feature column left out of a default feature set, and why.
public struct LeftOutFeature: Sendable, Equatable, Codable {
    public var feature: String
    public var reason: String
    public init(feature: String, reason: String) { self.feature = feature; self.reason = reason }
}

/// Which of a cleaned table's numeric columns carry information (SPEC §1 defaults): a column
/// is available when the source can compute it and it is not constant over all customers.
///
/// A feature set without `columns` takes the available columns; `profile.csv` and
/// `features --raw` show them (with a set's own columns), so a feature the data does not have
/// never appears as a column of zeros.
///
///     let a = FeatureAvailability(table)
///     a.available  // ["recency_days", "frequency", …]
///     a.leftOut    // [distinct_products: the data has no product column, …]
public struct FeatureAvailability: Sendable, Equatable {
    /// Available numeric columns, in table order.
    public var available: [String]
    /// The other numeric columns, in table order, each with its reason.
    public var leftOut: [LeftOutFeature]

    public init(_ table: CustomerTable) {
        available = []
        leftOut = []
        for (j, name) in table.numericNames.enumerated() {
            if let why = table.notComputable[name] {
                leftOut.append(LeftOutFeature(feature: name, reason: why))
            } else if let value = Self.constantValue(table.numeric, column: j) {
                leftOut.append(LeftOutFeature(
                    feature: name, reason: "constant over all \(table.count) customers after cleaning (every value is \(value))"))
            } else {
                available.append(name)
            }
        }
    }

    /// The column's single value when every row has it (bitwise-equal doubles; -0 equals 0).
    private static func constantValue(_ m: Matrix, column j: Int) -> Double? {
        guard m.rows > 0 else { return nil }
        let first = m[0, j]
        for i in 1 ..< m.rows where m[i, j] != first { return nil }
        return first
    }
}
