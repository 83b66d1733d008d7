/// One bar per category, from zero: segment sizes, or any value per named thing.
///
///     BarChart(title: "Segment sizes",
///              bars: [.init(label: "lapsed · low spend", value: 1840, valueLabel: "1,840 (37%)")],
///              category: "Segment", value: AxisSpec("Customers"))
public struct BarChart: Chart {
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double
        /// nil: `Palette.categorical`'s colour for the bar's position.
        public var color: Color?
        /// Text above the bar (nil: none).
        public var valueLabel: String?

        public init(label: String, value: Double, color: Color? = nil, valueLabel: String? = nil) {
            self.label = label
            self.value = value
            self.color = color
            self.valueLabel = valueLabel
        }
    }

    public var title: String
    public var bars: [Bar]
    /// Title of the category axis.
    public var category: String
    /// The value axis (its domain always includes 0).
    public var value: AxisSpec
    public var size: ChartSize
    public var description: String?

    public init(title: String, bars: [Bar], category: String, value: AxisSpec, size: ChartSize = .standard, description: String? = nil) {
        self.title = title
        self.bars = bars
        self.category = category
        self.value = value
        self.size = size
        self.description = description
    }

    public func document() -> SVGDocument {
        var valueSpec = value
        valueSpec.includeZero = true
        let palette = Palette.categorical(bars.count)
        let yAxis = ResolvedAxis(valueSpec, values: bars.map(\.value), tickCount: Int(size.height / 70))
        let frame = CartesianFrame(size: size, title: title, x: .bands(labels: bars.map(\.label), title: category), y: yAxis, legend: nil)
        let bands = frame.bands
        let zero = frame.py(0)
        var content = [SVGElement]()
        for (i, bar) in bars.enumerated() where bar.value.isFinite {
            let top = frame.py(bar.value)
            content.append(Draw.rect(x: bands.start(i), y: min(top, zero), width: bands.bandwidth,
                                     height: abs(zero - top), fill: bar.color ?? palette[i]))
            if let text = bar.valueLabel {
                let row = bar.value >= 0 ? top - 4 : top + ChartTheme.valueSize + 3
                content.append(Draw.text(TextMeasure.truncated(text, toWidth: bands.step, fontSize: ChartTheme.valueSize),
                                         x: bands.center(i), y: row, size: ChartTheme.valueSize, anchor: .middle, color: ChartTheme.mutedInk))
            }
        }
        return frame.document(content: content, description: description)
    }
}
