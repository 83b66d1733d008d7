/// The fixed look every chart shares: sizes of text, colours of ink, grid and background.
/// Public so the report's HTML can match it.
public enum ChartTheme {
    public static let titleSize = 15.0
    public static let labelSize = 12.0
    public static let tickSize = 11.0
    public static let legendSize = 11.0
    public static let valueSize = 10.0
    /// Where the plot area may start below the title.
    public static let contentTop = 10 + titleSize + 16

    public static let background = Color(hex: "#FFFFFF")
    public static let ink = Color(hex: "#222222")
    public static let mutedInk = Color(hex: "#555555")
    public static let axis = Color(hex: "#666666")
    public static let grid = Color(hex: "#E6E6E6")
    /// The emphasised reference mark (knee, best run, zero ring of a radar).
    public static let highlight = Color(hex: "#D55E00")
}

/// A chart's outer size in pixels (the SVG's width, height and viewBox).
public struct ChartSize: Sendable, Equatable {
    public var width: Double
    public var height: Double

    public init(width: Double, height: Double) {
        precondition(width >= 120 && height >= 100, "a chart needs at least 120 × 100 pixels")
        self.width = width
        self.height = height
    }

    public static let standard = ChartSize(width: 640, height: 400)
    public static let wide = ChartSize(width: 800, height: 420)
    public static let square = ChartSize(width: 520, height: 480)
}
