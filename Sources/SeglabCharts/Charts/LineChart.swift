/// Lines of y against x, one per series, with optional annotations: inertia against k with
/// the knee marked, silhouette and Davies–Bouldin against k per algorithm.
///
///     let elbow = LineChart(title: "K-Means: inertia against k",
///                           x: AxisSpec("k", unit: "clusters", integerTicks: true),
///                           y: AxisSpec("Inertia", unit: "sum of squares"),
///                           series: [.init(name: "kmeans", points: points)],
///                           annotations: [Annotation("knee: k = 4", at: points[2])])
///
/// Non-finite y values (a failed run) break the line instead of being drawn. One series
/// gets no legend; several get one, in the order given.
public struct LineChart: Chart {
    public struct Series: Sendable, Equatable {
        public var name: String
        public var points: [ChartPoint]
        public var dashed: Bool
        /// nil: the series' place in `Palette.categorical`.
        public var color: Color?

        public init(name: String, points: [ChartPoint], dashed: Bool = false, color: Color? = nil) {
            self.name = name
            self.points = points
            self.dashed = dashed
            self.color = color
        }
    }

    public var title: String
    public var x: AxisSpec
    public var y: AxisSpec
    public var series: [Series]
    public var annotations: [Annotation]
    /// Draw a dot on every point (on by default: grids have few points).
    public var showPoints: Bool
    public var size: ChartSize
    public var description: String?

    public init(title: String, x: AxisSpec, y: AxisSpec, series: [Series], annotations: [Annotation] = [],
                showPoints: Bool = true, size: ChartSize = .standard, description: String? = nil) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
        self.annotations = annotations
        self.showPoints = showPoints
        self.size = size
        self.description = description
    }

    public func document() -> SVGDocument {
        let colors = Palette.categorical(series.count)
        let resolvedColors = series.indices.map { series[$0].color ?? colors[$0] }
        let all = series.flatMap(\.points)
        let xAxis = ResolvedAxis(x, values: all.map(\.x), tickCount: Int(size.width / 90))
        let yAxis = ResolvedAxis(y, values: all.map(\.y), tickCount: Int(size.height / 70))
        let legend = series.count > 1 ? LegendBlock(title: nil, entries: series.indices.map {
            LegendEntry(series[$0].name, color: resolvedColors[$0], symbol: series[$0].dashed ? .dashedLine : .line)
        }) : nil
        let frame = CartesianFrame(size: size, title: title, x: .numeric(xAxis), y: yAxis, legend: legend)

        var content = [SVGElement]()
        for (s, color) in zip(series, resolvedColors) {
            let drawable = s.points.map { p -> (x: Double, y: Double)? in
                xAxis.accepts(p.x) && yAxis.accepts(p.y) ? (frame.px(p.x), frame.py(p.y)) : nil
            }
            content.append(Draw.polyline(drawable, color: color, dashed: s.dashed))
            if showPoints {
                content.append(Draw.group(drawable.compactMap { $0 }.map { Draw.circle(x: $0.x, y: $0.y, r: 3, fill: color) }))
            }
        }
        for a in annotations where xAxis.accepts(a.point.x) && yAxis.accepts(a.point.y) {
            content += a.elements(at: frame.px(a.point.x), frame.py(a.point.y), plotLeft: frame.left, plotRight: frame.right, plotTop: frame.top)
        }
        return frame.document(content: content, description: description)
    }
}
