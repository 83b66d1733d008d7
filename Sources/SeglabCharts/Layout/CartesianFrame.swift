import Foundation

/// The layout shared by the charts with an x and a y axis: title on top, y axis on the
/// left, x axis below, legend on the right. Margins are computed from the measured width of
/// the tick labels and legend, so nothing overlaps whatever the numbers are.
struct CartesianFrame {
    enum XAxis {
        case numeric(ResolvedAxis)
        /// One band per category (bars); labels turn by 40° when they do not fit their band.
        case bands(labels: [String], title: String)
    }

    static let tickLength = 5.0
    static let labelRotation = 40.0

    let size: ChartSize
    let title: String
    let x: XAxis
    let y: ResolvedAxis
    let legend: LegendBlock?
    let left: Double, top: Double, right: Double, bottom: Double
    /// Band labels as drawn (possibly cut), and whether they are turned.
    private let bandLabels: [String]
    private let bandLabelsRotated: Bool

    init(size: ChartSize, title: String, x: XAxis, y: ResolvedAxis, legend: LegendBlock?) {
        self.size = size
        self.title = title
        self.x = x
        self.y = y
        self.legend = legend
        top = ChartTheme.contentTop
        left = 8 + ChartTheme.labelSize + 10 + y.widestLabel + Self.tickLength + 4
        var rightMargin = 16.0
        if let legend { rightMargin = max(rightMargin, legend.width + 28) }
        var bottomMargin = Self.tickLength + 6 + ChartTheme.tickSize + 10 + ChartTheme.labelSize + 8
        switch x {
        case .numeric(let axis):
            if let last = axis.labels.last, legend == nil {
                rightMargin = max(rightMargin, TextMeasure.width(last, fontSize: ChartTheme.tickSize) / 2 + 6)
            }
            bandLabels = []
            bandLabelsRotated = false
        case .bands(let labels, _):
            let plotWidth = size.width - left - rightMargin
            let step = plotWidth / max(1, Double(labels.count))
            let widest = labels.map { TextMeasure.width($0, fontSize: ChartTheme.tickSize) }.max() ?? 0
            if widest <= step - 4 {
                bandLabels = labels
                bandLabelsRotated = false
            } else {
                // Turned labels are cut to a third of the height, and the margin grows to hold them.
                let cut = labels.map { TextMeasure.truncated($0, toWidth: size.height / 3, fontSize: ChartTheme.tickSize) }
                let w = cut.map { TextMeasure.width($0, fontSize: ChartTheme.tickSize) }.max() ?? 0
                bandLabels = cut
                bandLabelsRotated = true
                bottomMargin += w * sin(Self.labelRotation * .pi / 180)
            }
        }
        right = size.width - rightMargin
        bottom = size.height - bottomMargin
    }

    var plotWidth: Double { right - left }
    var plotHeight: Double { bottom - top }

    /// The pixel column of x value `v` (numeric x axes).
    func px(_ v: Double) -> Double {
        guard case .numeric(let axis) = x else { preconditionFailure("px on a band axis") }
        return axis.position(v, start: left, end: right)
    }

    /// The pixel row of y value `v`.
    func py(_ v: Double) -> Double { y.position(v, start: bottom, end: top) }

    /// Band positions of a band x axis.
    var bands: BandScale {
        guard case .bands(let labels, _) = x else { preconditionFailure("bands on a numeric axis") }
        return BandScale(count: labels.count, rangeStart: left, rangeEnd: right, paddingInner: 0.2, paddingOuter: 0.1)
    }

    /// The finished document: background, title, grid, `content`, axes, legend.
    func document(content: [SVGElement], verticalGrid: Bool = false, description: String?) -> SVGDocument {
        var items = [grid(vertical: verticalGrid), Draw.group(content, ["class": "data"]), axes()]
        if let legend { items.append(legend.render(x: right + 20, y: top)) }
        return chartDocument(size: size, title: title, description: description, items)
    }

    private func grid(vertical: Bool) -> SVGElement {
        var lines = y.ticks.map { t in Draw.line(left, py(t), right, py(t), color: ChartTheme.grid) }
        if vertical, case .numeric(let axis) = x {
            lines += axis.ticks.map { t in Draw.line(px(t), top, px(t), bottom, color: ChartTheme.grid) }
        }
        return Draw.group(lines, ["class": "grid"])
    }

    private func axes() -> SVGElement {
        var items = [SVGElement]()
        // y axis: line, ticks, right-aligned labels, turned title centred on the plot.
        items.append(Draw.line(left, top, left, bottom, color: ChartTheme.axis))
        for (t, label) in zip(y.ticks, y.labels) {
            let row = py(t)
            items.append(Draw.line(left - Self.tickLength, row, left, row, color: ChartTheme.axis))
            items.append(Draw.text(label, x: left - Self.tickLength - 3, y: row + ChartTheme.tickSize * 0.35,
                                   size: ChartTheme.tickSize, anchor: .end, color: ChartTheme.mutedInk))
        }
        let yTitle = TextMeasure.truncated(y.spec.title, toWidth: plotHeight, fontSize: ChartTheme.labelSize)
        items.append(Draw.text(yTitle, x: 8 + ChartTheme.labelSize, y: (top + bottom) / 2, size: ChartTheme.labelSize,
                               anchor: .middle, rotate: -90))
        // x axis.
        items.append(Draw.line(left, bottom, right, bottom, color: ChartTheme.axis))
        let labelRow = bottom + Self.tickLength + 3 + ChartTheme.tickSize
        let xTitle: String
        switch x {
        case .numeric(let axis):
            for (t, label) in zip(axis.ticks, axis.labels) {
                let col = px(t)
                items.append(Draw.line(col, bottom, col, bottom + Self.tickLength, color: ChartTheme.axis))
                items.append(Draw.text(label, x: col, y: labelRow, size: ChartTheme.tickSize, anchor: .middle, color: ChartTheme.mutedInk))
            }
            xTitle = axis.spec.title
        case .bands(_, let title):
            let b = bands
            for (i, label) in bandLabels.enumerated() {
                let col = b.center(i)
                items.append(Draw.line(col, bottom, col, bottom + Self.tickLength, color: ChartTheme.axis))
                if bandLabelsRotated {
                    items.append(Draw.text(label, x: col, y: bottom + Self.tickLength + 4, size: ChartTheme.tickSize,
                                           anchor: .end, color: ChartTheme.mutedInk, rotate: -Self.labelRotation))
                } else {
                    items.append(Draw.text(label, x: col, y: labelRow, size: ChartTheme.tickSize, anchor: .middle, color: ChartTheme.mutedInk))
                }
            }
            xTitle = title
        }
        items.append(Draw.text(TextMeasure.truncated(xTitle, toWidth: plotWidth, fontSize: ChartTheme.labelSize),
                               x: (left + right) / 2, y: size.height - 10, size: ChartTheme.labelSize, anchor: .middle))
        return Draw.group(items, ["class": "axes"])
    }
}

/// Every chart's document: white background, the title (bold, top left, cut to the
/// width), then `items`.
func chartDocument(size: ChartSize, title: String, description: String?, _ items: [SVGElement]) -> SVGDocument {
    let background = Draw.rect(x: 0, y: 0, width: size.width, height: size.height, fill: ChartTheme.background)
    let heading = Draw.text(TextMeasure.truncated(title, toWidth: size.width - 24, fontSize: ChartTheme.titleSize, bold: true),
                            x: 12, y: 10 + ChartTheme.titleSize, size: ChartTheme.titleSize, bold: true)
    return SVGDocument(width: size.width, height: size.height, title: title, description: description,
                       children: [background, heading] + items)
}
