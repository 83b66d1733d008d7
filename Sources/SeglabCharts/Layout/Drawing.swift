/// Small constructors for the shapes every chart draws, so attribute names and order are
/// the same everywhere.
enum Draw {
    enum Anchor: String { case start, middle, end }

    static func text(_ s: String, x: Double, y: Double, size: Double, anchor: Anchor = .start,
                     color: Color = ChartTheme.ink, bold: Bool = false, rotate: Double? = nil) -> SVGElement {
        var e = SVGElement("text", ["x": .number(x), "y": .number(y), "font-size": .number(size)], text: s)
        if anchor != .start { e.set("text-anchor", .string(anchor.rawValue)) }
        if bold { e.set("font-weight", "bold") }
        if color != ChartTheme.ink { e.set("fill", .string(color.hex)) }
        if let rotate {
            e.set("transform", .string("rotate(\(NumberFormat.coordinate(rotate)) \(NumberFormat.coordinate(x)) \(NumberFormat.coordinate(y)))"))
        }
        return e
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, color: Color, width: Double = 1,
                     dashed: Bool = false) -> SVGElement {
        var e = SVGElement("line", ["x1": .number(x1), "y1": .number(y1), "x2": .number(x2), "y2": .number(y2),
                                    "stroke": .string(color.hex), "stroke-width": .number(width)])
        if dashed { e.set("stroke-dasharray", "5 3") }
        return e
    }

    static func rect(x: Double, y: Double, width: Double, height: Double, fill: Color, stroke: Color? = nil) -> SVGElement {
        var e = SVGElement("rect", ["x": .number(x), "y": .number(y), "width": .number(max(0, width)),
                                    "height": .number(max(0, height)), "fill": .string(fill.hex)])
        if let stroke { e.set("stroke", .string(stroke.hex)); e.set("stroke-width", 1) }
        return e
    }

    static func circle(x: Double, y: Double, r: Double, fill: Color, opacity: Double? = nil) -> SVGElement {
        var e = SVGElement("circle", ["cx": .number(x), "cy": .number(y), "r": .number(r), "fill": .string(fill.hex)])
        if let opacity { e.set("fill-opacity", .number(opacity)) }
        return e
    }

    /// An unfilled circle (marks a point without hiding it).
    static func ring(x: Double, y: Double, r: Double, color: Color, width: Double = 2) -> SVGElement {
        SVGElement("circle", ["cx": .number(x), "cy": .number(y), "r": .number(r), "fill": "none",
                              "stroke": .string(color.hex), "stroke-width": .number(width)])
    }

    /// An open polyline through `points` (a path; `nil` entries break the line).
    static func polyline(_ points: [(x: Double, y: Double)?], color: Color, width: Double = 2, dashed: Bool = false) -> SVGElement {
        var d = PathData()
        var pen = false
        for p in points {
            guard let p else { pen = false; continue }
            if pen { d.line(p.x, p.y) } else { d.move(p.x, p.y); pen = true }
        }
        var e = SVGElement("path", ["d": .string(d.text), "fill": "none", "stroke": .string(color.hex),
                                    "stroke-width": .number(width), "stroke-linejoin": "round"])
        if dashed { e.set("stroke-dasharray", "6 4") }
        return e
    }

    static func group(_ children: [SVGElement], _ attributes: KeyValuePairs<String, SVGValue> = [:]) -> SVGElement {
        SVGElement("g", attributes, children: children.map(SVGNode.element))
    }
}

/// SVG path data ("M10,20L30,40Z") with coordinates written by `NumberFormat.coordinate`.
struct PathData {
    private(set) var text = ""

    mutating func move(_ x: Double, _ y: Double) { text += "M" + pair(x, y) }
    mutating func line(_ x: Double, _ y: Double) { text += "L" + pair(x, y) }
    mutating func close() { text += "Z" }

    private func pair(_ x: Double, _ y: Double) -> String {
        NumberFormat.coordinate(x) + "," + NumberFormat.coordinate(y)
    }
}
