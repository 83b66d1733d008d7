import Foundation

/// A grid of coloured cells: a metric across two grid axes (sequential colours), or a
/// correlation matrix (diverging colours around 0, values printed). A colour bar on the
/// right gives the scale.
///
///     HeatMap(title: "Silhouette across k and init", rowLabels: ["k-means++", "random"],
///             columnLabels: ["2", "3", "4"], values: [[0.41, 0.52, 0.47], [0.40, nil, 0.45]],
///             rowTitle: "init", columnTitle: "k", colorLabel: "silhouette")
///     HeatMap.correlation(title: "behaviour: feature correlations", labels: names, matrix: r)
///
/// A nil or non-finite value is an empty (light grey) cell, e.g. a failed or missing run.
public struct HeatMap: Chart {
    public enum Scheme: Sendable, Equatable {
        /// Low to high along a sequential map.
        case sequential(ColorMap)
        /// Two hues either side of `center`; the domain is made symmetric about it.
        case diverging(ColorMap, center: Double)
    }

    public var title: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// values[row][column].
    public var values: [[Double?]]
    public var rowTitle: String?
    public var columnTitle: String?
    /// Title of the colour bar (the metric's name and unit).
    public var colorLabel: String
    public var scheme: Scheme
    /// A fixed colour domain (nil: from the data, widened to nice values).
    public var domain: ClosedRange<Double>?
    /// Print each value in its cell (when it fits), with this many decimals (nil: none).
    public var valueDecimals: Int?
    public var size: ChartSize
    public var description: String?

    public init(title: String, rowLabels: [String], columnLabels: [String], values: [[Double?]],
                rowTitle: String? = nil, columnTitle: String? = nil, colorLabel: String,
                scheme: Scheme = .sequential(.viridis), domain: ClosedRange<Double>? = nil, valueDecimals: Int? = 2,
                size: ChartSize = .standard, description: String? = nil) {
        precondition(values.count == rowLabels.count && values.allSatisfy { $0.count == columnLabels.count },
                     "values must be rows × columns")
        self.title = title
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.rowTitle = rowTitle
        self.columnTitle = columnTitle
        self.colorLabel = colorLabel
        self.scheme = scheme
        self.domain = domain
        self.valueDecimals = valueDecimals
        self.size = size
        self.description = description
    }

    /// A correlation matrix: the same labels on both axes, blue–orange from −1 to 1, values
    /// printed with two decimals.
    public static func correlation(title: String, labels: [String], matrix: [[Double]], size: ChartSize = .square,
                                   description: String? = nil) -> HeatMap {
        HeatMap(title: title, rowLabels: labels, columnLabels: labels, values: matrix.map { $0.map { Optional($0) } },
                colorLabel: "Pearson correlation", scheme: .diverging(.blueOrange, center: 0), domain: -1 ... 1,
                valueDecimals: 2, size: size, description: description)
    }

    private static let barWidth = 14.0

    public func document() -> SVGDocument {
        let finite = values.flatMap { $0.compactMap { $0 }.filter(\.isFinite) }
        let colorAxis = resolvedColorAxis(finite)
        let map: ColorMap
        switch scheme {
        case .sequential(let m), .diverging(let m, _): map = m
        }

        // Margins: row labels on the left, colour bar with its labels and turned title on the right.
        let top = ChartTheme.contentTop
        let rowText = rowLabels.map { TextMeasure.truncated($0, toWidth: size.width * 0.25, fontSize: ChartTheme.tickSize) }
        let rowTitleSpace = rowTitle == nil ? 0 : ChartTheme.labelSize + 10
        let left = 8 + rowTitleSpace + (rowText.map { TextMeasure.width($0, fontSize: ChartTheme.tickSize) }.max() ?? 0) + 6
        let right = size.width - (16 + Self.barWidth + 4 + colorAxis.widestLabel + 10 + ChartTheme.labelSize + 8)
        let columnStep = (right - left) / max(1, Double(columnLabels.count))
        var columnText = columnLabels
        var rotated = false
        var bottomSpace = 6 + ChartTheme.tickSize + 6
        if (columnLabels.map { TextMeasure.width($0, fontSize: ChartTheme.tickSize) }.max() ?? 0) > columnStep - 4 {
            columnText = columnLabels.map { TextMeasure.truncated($0, toWidth: size.height / 3.5, fontSize: ChartTheme.tickSize) }
            rotated = true
            bottomSpace = 6 + (columnText.map { TextMeasure.width($0, fontSize: ChartTheme.tickSize) }.max() ?? 0)
                * sin(CartesianFrame.labelRotation * .pi / 180) + ChartTheme.tickSize
        }
        let columnTitleSpace = columnTitle == nil ? 4.0 : ChartTheme.labelSize + 12
        let bottom = size.height - bottomSpace - columnTitleSpace
        let xs = BandScale(count: columnLabels.count, rangeStart: left, rangeEnd: right, paddingInner: 0, paddingOuter: 0)
        let ys = BandScale(count: rowLabels.count, rangeStart: top, rangeEnd: bottom, paddingInner: 0, paddingOuter: 0)

        var cells = [SVGElement]()
        var labels = [SVGElement]()
        for (r, row) in values.enumerated() {
            for (c, value) in row.enumerated() {
                let x = xs.start(c), y = ys.start(r)
                guard let v = value, v.isFinite else {
                    cells.append(Draw.rect(x: x, y: y, width: xs.bandwidth, height: ys.bandwidth, fill: Color(hex: "#F0F0F0"), stroke: ChartTheme.background))
                    continue
                }
                let fill = map.color(at: colorAxis.position(v, start: 0, end: 1))
                cells.append(Draw.rect(x: x, y: y, width: xs.bandwidth, height: ys.bandwidth, fill: fill, stroke: ChartTheme.background))
                if let d = valueDecimals {
                    let text = NumberFormat.fixed(v, decimals: d)
                    if TextMeasure.width(text, fontSize: ChartTheme.valueSize) <= xs.bandwidth - 4 && ys.bandwidth >= ChartTheme.valueSize + 4 {
                        labels.append(Draw.text(text, x: xs.center(c), y: ys.center(r) + ChartTheme.valueSize * 0.35,
                                                size: ChartTheme.valueSize, anchor: .middle, color: fill.contrastingText))
                    }
                }
            }
        }

        var axes = [SVGElement]()
        for (r, text) in rowText.enumerated() {
            axes.append(Draw.text(text, x: left - 6, y: ys.center(r) + ChartTheme.tickSize * 0.35, size: ChartTheme.tickSize,
                                  anchor: .end, color: ChartTheme.mutedInk))
        }
        for (c, text) in columnText.enumerated() {
            if rotated {
                axes.append(Draw.text(text, x: xs.center(c), y: bottom + 6 + ChartTheme.tickSize * 0.7, size: ChartTheme.tickSize,
                                      anchor: .end, color: ChartTheme.mutedInk, rotate: -CartesianFrame.labelRotation))
            } else {
                axes.append(Draw.text(text, x: xs.center(c), y: bottom + 6 + ChartTheme.tickSize, size: ChartTheme.tickSize,
                                      anchor: .middle, color: ChartTheme.mutedInk))
            }
        }
        if let rowTitle {
            axes.append(Draw.text(TextMeasure.truncated(rowTitle, toWidth: bottom - top, fontSize: ChartTheme.labelSize),
                                  x: 8 + ChartTheme.labelSize, y: (top + bottom) / 2, size: ChartTheme.labelSize, anchor: .middle, rotate: -90))
        }
        if let columnTitle {
            axes.append(Draw.text(TextMeasure.truncated(columnTitle, toWidth: right - left, fontSize: ChartTheme.labelSize),
                                  x: (left + right) / 2, y: size.height - 10, size: ChartTheme.labelSize, anchor: .middle))
        }

        return chartDocument(size: size, title: title, description: description, [
            Draw.group(cells, ["class": "data"]),
            Draw.group(labels, ["class": "values"]),
            Draw.group(axes, ["class": "axes"]),
            colorBar(colorAxis, map: map, x: right + 16, top: top, bottom: bottom),
        ])
    }

    private func resolvedColorAxis(_ finite: [Double]) -> ResolvedAxis {
        let spec = AxisSpec(colorLabel, domain: domain)
        switch scheme {
        case .sequential:
            return ResolvedAxis(spec, values: finite, tickCount: 5)
        case .diverging(_, let center):
            if domain != nil { return ResolvedAxis(spec, values: finite, tickCount: 5) }
            let reach = finite.map { ($0 - center).magnitude }.max() ?? 1
            let niced = Ticks.nice(center - reach, center + reach, count: 5)
            let half = max(center - niced.lower, niced.upper - center)
            return ResolvedAxis(AxisSpec(colorLabel, domain: (center - half) ... (center + half)), values: finite, tickCount: 5)
        }
    }

    /// The colour bar: 48 slices from the top (high) down, tick labels, turned title.
    private func colorBar(_ axis: ResolvedAxis, map: ColorMap, x: Double, top: Double, bottom: Double) -> SVGElement {
        let slices = 48
        let h = (bottom - top) / Double(slices)
        var items = (0 ..< slices).map { i in
            Draw.rect(x: x, y: top + Double(i) * h, width: Self.barWidth, height: h + 0.5,
                      fill: map.color(at: 1 - (Double(i) + 0.5) / Double(slices)))
        }
        for (t, label) in zip(axis.ticks, axis.labels) {
            let y = axis.position(t, start: bottom, end: top)
            items.append(Draw.line(x + Self.barWidth, y, x + Self.barWidth + 3, y, color: ChartTheme.axis))
            items.append(Draw.text(label, x: x + Self.barWidth + 5, y: y + ChartTheme.tickSize * 0.35, size: ChartTheme.tickSize, color: ChartTheme.mutedInk))
        }
        let titleX = x + Self.barWidth + 4 + axis.widestLabel + 10 + ChartTheme.labelSize * 0.8
        items.append(Draw.text(TextMeasure.truncated(colorLabel, toWidth: bottom - top, fontSize: ChartTheme.labelSize),
                               x: titleX, y: (top + bottom) / 2, size: ChartTheme.labelSize, anchor: .middle, rotate: -90))
        return Draw.group(items, ["class": "legend"])
    }
}
