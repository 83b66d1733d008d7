import Foundation

/// Segment profiles on one spoke per feature: each segment is a polygon of its z-scores
/// (its mean against the whole customer base, in standard deviations), the ring at 0 is
/// the average customer.
///
///     RadarChart(title: "Segment profiles", axes: ["recency", "frequency", "monetary"],
///                series: [.init(name: "high value", values: [-0.8, 1.9, 2.2]),
///                         .init(name: "lapsed", values: [1.4, -0.7, -0.6])])
///
/// Meant for three or more features (with two, a polygon is a line).
public struct RadarChart: Chart {
    public struct Series: Sendable, Equatable {
        public var name: String
        /// One value per axis, in axis order.
        public var values: [Double]
        public var color: Color?

        public init(name: String, values: [Double], color: Color? = nil) {
            self.name = name
            self.values = values
            self.color = color
        }
    }

    public var title: String
    public var axes: [String]
    public var series: [Series]
    /// What the rings measure (shown under the chart).
    public var scaleNote: String
    /// A fixed radial domain (nil: from the values, including 0, widened to nice values).
    public var domain: ClosedRange<Double>?
    public var size: ChartSize
    public var description: String?

    public init(title: String, axes: [String], series: [Series],
                scaleNote: String = "Rings: z-score (standard deviations from the average customer, ring 0)",
                domain: ClosedRange<Double>? = nil, size: ChartSize = .standard, description: String? = nil) {
        precondition(series.allSatisfy { $0.values.count == axes.count }, "one value per axis")
        self.title = title
        self.axes = axes
        self.series = series
        self.scaleNote = scaleNote
        self.domain = domain
        self.size = size
        self.description = description
    }

    public func document() -> SVGDocument {
        let palette = Palette.categorical(series.count)
        let colors = series.indices.map { series[$0].color ?? palette[$0] }
        let radial = ResolvedAxis(AxisSpec("z-score", includeZero: true, domain: domain),
                                  values: series.flatMap(\.values), tickCount: 4)
        let legend = LegendBlock(title: nil, entries: series.indices.map { LegendEntry(series[$0].name, color: colors[$0], symbol: .square) })
        let top = ChartTheme.contentTop
        let bottom = size.height - 24
        let right = size.width - legend.width - 28
        let axisText = axes.map { TextMeasure.truncated($0, toWidth: 110, fontSize: ChartTheme.tickSize) }
        let widest = axisText.map { TextMeasure.width($0, fontSize: ChartTheme.tickSize) }.max() ?? 0
        let cx = (12 + right) / 2, cy = (top + bottom) / 2
        let radius = max(20, min((right - 12) / 2 - widest - 10, (bottom - top) / 2 - ChartTheme.tickSize - 6))
        let m = axes.count

        func angle(_ i: Int) -> Double { -Double.pi / 2 + 2 * Double.pi * Double(i) / Double(max(1, m)) }
        func point(_ i: Int, _ v: Double) -> (x: Double, y: Double) {
            let r = radial.position(v, start: 0, end: radius)
            return (cx + r * cos(angle(i)), cy + r * sin(angle(i)))
        }
        func polygon(_ pts: [(x: Double, y: Double)]) -> String {
            var d = PathData()
            for (i, p) in pts.enumerated() { if i == 0 { d.move(p.x, p.y) } else { d.line(p.x, p.y) } }
            d.close()
            return d.text
        }

        var grid = [SVGElement]()
        for t in radial.ticks {
            let zero = t == 0
            grid.append(SVGElement("path", ["d": .string(polygon((0 ..< m).map { point($0, t) })), "fill": "none",
                                            "stroke": .string((zero ? ChartTheme.axis : ChartTheme.grid).hex),
                                            "stroke-width": .number(zero ? 1.5 : 1)]))
        }
        for i in 0 ..< m {
            let end = point(i, radial.upper)
            grid.append(Draw.line(cx, cy, end.x, end.y, color: ChartTheme.grid))
            let c = cos(angle(i)), s = sin(angle(i))
            let anchor: Draw.Anchor = c > 0.2 ? .start : c < -0.2 ? .end : .middle
            let lx = cx + (radius + 8) * c, ly = cy + (radius + 8) * s + ChartTheme.tickSize * (s > 0.2 ? 0.9 : s < -0.2 ? 0 : 0.35)
            grid.append(Draw.text(axisText[i], x: lx, y: ly, size: ChartTheme.tickSize, anchor: anchor))
        }
        // Ring values along the bisector between the last spoke and the first, clear of both.
        let between = angle(0) - Double.pi / Double(max(2, m))
        for (t, label) in zip(radial.ticks, radial.labels) {
            let r = radial.position(t, start: 0, end: radius)
            grid.append(Draw.text(label, x: cx + r * cos(between) - 2, y: cy + r * sin(between) + ChartTheme.valueSize * 0.35,
                                  size: ChartTheme.valueSize, anchor: .end, color: ChartTheme.mutedInk))
        }

        var shapes = [SVGElement]()
        for (s, color) in zip(series, colors) {
            let pts = s.values.enumerated().map { point($0.offset, $0.element.isFinite ? $0.element : 0) }
            shapes.append(SVGElement("path", ["d": .string(polygon(pts)), "fill": .string(color.hex), "fill-opacity": 0.12,
                                              "stroke": .string(color.hex), "stroke-width": 2, "stroke-linejoin": "round"]))
            shapes.append(Draw.group(pts.map { Draw.circle(x: $0.x, y: $0.y, r: 3, fill: color) }))
        }

        return chartDocument(size: size, title: title, description: description, [
            Draw.group(grid, ["class": "grid"]),
            Draw.group(shapes, ["class": "data"]),
            legend.render(x: right + 20, y: top),
            Draw.text(TextMeasure.truncated(scaleNote, toWidth: size.width - 24, fontSize: ChartTheme.valueSize),
                      x: 12, y: size.height - 8, size: ChartTheme.valueSize, color: ChartTheme.mutedInk),
        ])
    }
}
