/// Points coloured by group: customers in PCA or t-SNE coordinates coloured by segment, or
/// runs by quality and balance coloured by algorithm with the Pareto front drawn as a step
/// line through its points.
///
///     let chart = ScatterChart(title: "Quality against balance",
///                              x: AxisSpec("Silhouette"), y: AxisSpec("Smallest cluster share", style: .percent),
///                              groups: [.init(name: "kmeans", points: runs)],
///                              front: ParetoFront.points(runs))
///
/// The chart draws every point it is given: sample large sets first (the report draws a
/// seeded sample of a few thousand customers).
public struct ScatterChart: Chart {
    public struct Group: Sendable, Equatable {
        public var name: String
        public var points: [ChartPoint]
        /// nil: the group's place in `Palette.categorical`.
        public var color: Color?

        public init(name: String, points: [ChartPoint], color: Color? = nil) {
            self.name = name
            self.points = points
            self.color = color
        }
    }

    public var title: String
    public var x: AxisSpec
    public var y: AxisSpec
    public var groups: [Group]
    /// Points of a Pareto front (both coordinates maximised), joined by a step line that
    /// bounds the region they dominate; nil draws none.
    public var front: [ChartPoint]?
    public var frontLabel: String
    public var annotations: [Annotation]
    public var pointRadius: Double
    public var pointOpacity: Double
    public var legendTitle: String?
    public var size: ChartSize
    public var description: String?

    public init(title: String, x: AxisSpec, y: AxisSpec, groups: [Group], front: [ChartPoint]? = nil,
                frontLabel: String = "Pareto front", annotations: [Annotation] = [], pointRadius: Double = 3,
                pointOpacity: Double = 0.8, legendTitle: String? = nil, size: ChartSize = .standard, description: String? = nil) {
        self.title = title
        self.x = x
        self.y = y
        self.groups = groups
        self.front = front
        self.frontLabel = frontLabel
        self.annotations = annotations
        self.pointRadius = pointRadius
        self.pointOpacity = pointOpacity
        self.legendTitle = legendTitle
        self.size = size
        self.description = description
    }

    public func document() -> SVGDocument {
        let palette = Palette.categorical(groups.count)
        let colors = groups.indices.map { groups[$0].color ?? palette[$0] }
        let all = groups.flatMap(\.points) + (front ?? [])
        let xAxis = ResolvedAxis(x, values: all.map(\.x), tickCount: Int(size.width / 90), padding: 0.03)
        let yAxis = ResolvedAxis(y, values: all.map(\.y), tickCount: Int(size.height / 70), padding: 0.03)
        var entries = groups.indices.map { LegendEntry(groups[$0].name, color: colors[$0], symbol: .circle) }
        if front != nil { entries.append(LegendEntry(frontLabel, color: ChartTheme.highlight, symbol: .dashedLine)) }
        let legend = entries.count > 1 || legendTitle != nil ? LegendBlock(title: legendTitle, entries: entries) : nil
        let frame = CartesianFrame(size: size, title: title, x: .numeric(xAxis), y: yAxis, legend: legend)

        var content = [SVGElement]()
        for (group, color) in zip(groups, colors) {
            let dots = group.points.filter { xAxis.accepts($0.x) && yAxis.accepts($0.y) }.map {
                Draw.circle(x: frame.px($0.x), y: frame.py($0.y), r: pointRadius, fill: color)
            }
            content.append(Draw.group(dots, ["fill-opacity": .number(pointOpacity)]))
        }
        if let front {
            let corners = Self.staircase(front.filter { xAxis.accepts($0.x) && yAxis.accepts($0.y) })
            content.append(Draw.polyline(corners.map { (frame.px($0.x), frame.py($0.y)) }, color: ChartTheme.highlight, width: 1.5, dashed: true))
        }
        for a in annotations where xAxis.accepts(a.point.x) && yAxis.accepts(a.point.y) {
            content += a.elements(at: frame.px(a.point.x), frame.py(a.point.y), plotLeft: frame.left, plotRight: frame.right, plotTop: frame.top)
        }
        return frame.document(content: content, verticalGrid: true, description: description)
    }

    /// The corners of the boundary of the region a front dominates (both axes maximised):
    /// by x ascending, each point is joined to the next by a drop to the next point's y
    /// then a run to its x.
    static func staircase(_ front: [ChartPoint]) -> [ChartPoint] {
        let sorted = front.sorted { $0.x != $1.x ? $0.x < $1.x : $0.y > $1.y }
        var corners = [ChartPoint]()
        for (i, p) in sorted.enumerated() {
            if i > 0 { corners.append(ChartPoint(x: sorted[i - 1].x, y: p.y)) }
            corners.append(p)
        }
        return corners
    }
}
