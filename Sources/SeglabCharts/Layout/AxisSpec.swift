/// What a numeric axis shows: its label and unit (the axis title reads "label (unit)"), how
/// ticks are written, and how its domain is chosen.
///
///     AxisSpec("Inertia", unit: "sum of squares")
///     AxisSpec("k", unit: "clusters", integerTicks: true)
///     AxisSpec("Smallest cluster share", style: .percent, domain: 0 ... 1)
public struct AxisSpec: Sendable, Equatable {
    public var label: String
    public var unit: String?
    public var style: TickStyle
    /// Ticks only at whole numbers (counts such as k).
    public var integerTicks: Bool
    /// Widen the domain to include 0 (bar heights, shares).
    public var includeZero: Bool
    /// A base-10 log axis (values ≤ 0 are not drawn).
    public var logarithmic: Bool
    /// A fixed domain instead of one read from the data (values outside it are drawn on
    /// the plot's edge).
    public var domain: ClosedRange<Double>?

    public init(_ label: String, unit: String? = nil, style: TickStyle = .automatic, integerTicks: Bool = false,
                includeZero: Bool = false, logarithmic: Bool = false, domain: ClosedRange<Double>? = nil) {
        self.label = label
        self.unit = unit
        self.style = style
        self.integerTicks = integerTicks
        self.includeZero = includeZero
        self.logarithmic = logarithmic
        self.domain = domain
    }

    /// "label (unit)", or the label alone.
    public var title: String { unit.map { "\(label) (\($0))" } ?? label }
}
