/// One entry of a chart's legend: a swatch in the series' colour and its name.
public struct LegendEntry: Sendable, Equatable {
    public enum Symbol: Sendable, Equatable {
        case square, circle, line, dashedLine
    }

    public var label: String
    public var color: Color
    public var symbol: Symbol

    public init(_ label: String, color: Color, symbol: Symbol) {
        self.label = label
        self.color = color
        self.symbol = symbol
    }
}

/// A legend laid out as one column (labels cut to `maxWidth`), drawn at a given corner.
struct LegendBlock {
    static let rowHeight = 18.0
    static let swatch = 12.0
    static let gap = 6.0

    let title: String?
    let entries: [LegendEntry]
    let labels: [String]
    let width: Double
    let height: Double

    init(title: String?, entries: [LegendEntry], maxWidth: Double = 170) {
        self.title = title
        self.entries = entries
        let textWidth = maxWidth - Self.swatch - Self.gap
        labels = entries.map { TextMeasure.truncated($0.label, toWidth: textWidth, fontSize: ChartTheme.legendSize) }
        let widest = labels.map { TextMeasure.width($0, fontSize: ChartTheme.legendSize) }.max() ?? 0
        let titleWidth = title.map { min(maxWidth, TextMeasure.width($0, fontSize: ChartTheme.legendSize, bold: true)) } ?? 0
        width = max(Self.swatch + Self.gap + widest, titleWidth)
        height = Double(entries.count + (title == nil ? 0 : 1)) * Self.rowHeight
    }

    func render(x: Double, y: Double) -> SVGElement {
        var items = [SVGElement]()
        var row = y
        if let title {
            items.append(Draw.text(TextMeasure.truncated(title, toWidth: width, fontSize: ChartTheme.legendSize, bold: true),
                                   x: x, y: row + 12, size: ChartTheme.legendSize, bold: true))
            row += Self.rowHeight
        }
        for (entry, label) in zip(entries, labels) {
            let mid = row + 8
            switch entry.symbol {
            case .square: items.append(Draw.rect(x: x, y: mid - 6, width: 12, height: 12, fill: entry.color))
            case .circle: items.append(Draw.circle(x: x + 6, y: mid, r: 4.5, fill: entry.color))
            case .line: items.append(Draw.line(x, mid, x + 12, mid, color: entry.color, width: 2.5))
            case .dashedLine: items.append(Draw.line(x, mid, x + 12, mid, color: entry.color, width: 2, dashed: true))
            }
            items.append(Draw.text(label, x: x + Self.swatch + Self.gap, y: mid + 4, size: ChartTheme.legendSize))
            row += Self.rowHeight
        }
        return Draw.group(items, ["class": "legend"])
    }
}
