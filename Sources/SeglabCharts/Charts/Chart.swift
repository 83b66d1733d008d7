/// A chart that draws itself as a standalone SVG document. Every chart type of the report
/// conforms; `render()` is what gets written to `<name>.svg` and inlined in the HTML.
///
///     let chart = BarChart(title: "Segment sizes", bars: [.init(label: "A", value: 120)],
///                          category: "Segment", value: AxisSpec("Customers", includeZero: true))
///     let svg = chart.render()   // identical input, identical bytes
public protocol Chart: Sendable {
    /// The picture as a tree of SVG elements.
    func document() -> SVGDocument
}

extension Chart {
    /// The SVG text of `document()`.
    public func render() -> String { document().render() }
}

/// An (x, y) pair in data units.
public struct ChartPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A labelled point drawn over a chart: a ring round the point and a short note beside it
/// ("knee: k = 5", "best run").
public struct Annotation: Sendable, Equatable {
    public var point: ChartPoint
    public var label: String

    public init(_ label: String, at point: ChartPoint) {
        self.point = point
        self.label = label
    }

    /// The ring and the note, placed on whichever side of the point leaves room.
    func elements(at x: Double, _ y: Double, plotLeft: Double, plotRight: Double, plotTop: Double) -> [SVGElement] {
        let width = TextMeasure.width(label, fontSize: ChartTheme.tickSize, bold: true)
        let toLeft = x + 10 + width > plotRight && x - 10 - width >= plotLeft
        let row = max(plotTop + ChartTheme.tickSize, y - 10)
        return [
            Draw.ring(x: x, y: y, r: 7, color: ChartTheme.highlight),
            Draw.text(label, x: toLeft ? x - 10 : x + 10, y: row, size: ChartTheme.tickSize,
                      anchor: toLeft ? .end : .start, color: ChartTheme.highlight, bold: true),
        ]
    }
}
