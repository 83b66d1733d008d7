/// A PCA scree plot: the share of variance each component explains (bars) and the running
/// total (line), both in percent, read from `feature_sets.json`'s explained-variance ratios.
///
///     ScreePlot(title: "behaviour: PCA scree plot", ratios: [0.52, 0.23, 0.13, 0.08, 0.04])
public struct ScreePlot: Chart {
    public var title: String
    /// Explained-variance ratio of each component, in component order.
    public var ratios: [Double]
    public var size: ChartSize
    public var description: String?

    public init(title: String, ratios: [Double], size: ChartSize = .standard, description: String? = nil) {
        self.title = title
        self.ratios = ratios
        self.size = size
        self.description = description
    }

    public func document() -> SVGDocument {
        let yAxis = ResolvedAxis(AxisSpec("Explained variance", style: .percent, domain: 0 ... 1), values: [], tickCount: 5)
        let legend = LegendBlock(title: nil, entries: [
            LegendEntry("per component", color: Palette.okabeIto[0], symbol: .square),
            LegendEntry("cumulative", color: Palette.okabeIto[1], symbol: .line),
        ])
        let labels = ratios.indices.map { "PC\($0 + 1)" }
        let frame = CartesianFrame(size: size, title: title, x: .bands(labels: labels, title: "Principal component"), y: yAxis, legend: legend)
        let bands = frame.bands
        var content = [SVGElement]()
        var total = 0.0
        var line = [(x: Double, y: Double)?]()
        for (i, r) in ratios.enumerated() {
            let top = frame.py(r)
            content.append(Draw.rect(x: bands.start(i), y: top, width: bands.bandwidth, height: frame.bottom - top, fill: Palette.okabeIto[0]))
            total += r
            line.append((bands.center(i), frame.py(total)))
        }
        content.append(Draw.polyline(line, color: Palette.okabeIto[1]))
        content.append(Draw.group(line.compactMap { $0 }.map { Draw.circle(x: $0.x, y: $0.y, r: 3.5, fill: Palette.okabeIto[1]) }))
        return frame.document(content: content, description: description)
    }
}
