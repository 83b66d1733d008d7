/// A metric's value, or why it is undefined (never NaN).
public struct MetricResult: Sendable, Equatable {
    public var value: Double?
    /// Set exactly when `value` is nil.
    public var note: String?

    public static func defined(_ value: Double) -> MetricResult { MetricResult(value: value, note: nil) }
    public static func undefined(_ reason: String) -> MetricResult { MetricResult(value: nil, note: reason) }
}
