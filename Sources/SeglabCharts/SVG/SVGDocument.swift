/// A standalone SVG picture: the root `<svg>` with its size, a `<title>` (the accessible name
/// screen readers announce) and an optional `<desc>`, then the content. The rendered text is
/// both a valid `.svg` file and an element that can be inlined in HTML as it is: it declares
/// its namespace and uses no `id`s, so many charts can share one page without clashing.
///
///     var doc = SVGDocument(width: 320, height: 200, title: "Segment sizes")
///     doc.children.append(SVGElement("rect", ["x": 10, "y": 10, "width": 50, "height": 80]))
///     try doc.render().write(toFile: "sizes.svg", atomically: true, encoding: .utf8)
public struct SVGDocument: Sendable, Equatable {
    public var width: Double
    public var height: Double
    public var title: String
    public var description: String?
    public var children: [SVGElement]

    public init(width: Double, height: Double, title: String, description: String? = nil, children: [SVGElement] = []) {
        self.width = width
        self.height = height
        self.title = title
        self.description = description
        self.children = children
    }

    /// The whole document; identical documents give identical bytes.
    public func render() -> String {
        var root = SVGElement("svg", [
            "xmlns": "http://www.w3.org/2000/svg",
            "width": .number(width), "height": .number(height),
            "viewBox": .string("0 0 \(NumberFormat.coordinate(width)) \(NumberFormat.coordinate(height))"),
            "role": "img",
            "font-family": .string(TextMeasure.fontFamily),
        ])
        root.append(SVGElement("title", text: title))
        if let description { root.append(SVGElement("desc", text: description)) }
        root.append(contentsOf: children)
        return root.render()
    }
}
