/// One node of an SVG tree: an element or a run of text.
public enum SVGNode: Sendable, Equatable {
    case element(SVGElement)
    case text(String)
}

/// An SVG element: a name, attributes in the order they were given, and children. Every
/// chart builds its picture as a tree of these and `render()` writes it; nothing else in
/// seglab writes SVG markup, so escaping and number formatting live in one place.
///
///     let dot = SVGElement("circle", ["cx": 10.5, "cy": 20, "r": 3, "fill": "#0072b2"])
///     dot.render()   // <circle cx="10.5" cy="20" r="3" fill="#0072b2"/>
public struct SVGElement: Sendable, Equatable {
    public let name: String
    public private(set) var attributes: [(name: String, value: String)]
    public private(set) var children: [SVGNode]

    /// An element with `attributes` in literal order; numbers are written by
    /// `NumberFormat.coordinate` (at most two decimals).
    public init(_ name: String, _ attributes: KeyValuePairs<String, SVGValue> = [:], children: [SVGNode] = []) {
        self.name = name
        self.attributes = attributes.map { ($0.key, $0.value.text) }
        self.children = children
    }

    /// An element whose only child is `text` (escaped when rendered).
    public init(_ name: String, _ attributes: KeyValuePairs<String, SVGValue> = [:], text: String) {
        self.init(name, attributes, children: [.text(text)])
    }

    /// Sets (or appends) an attribute; a second value for the same name replaces the first.
    public mutating func set(_ name: String, _ value: SVGValue) {
        if let i = attributes.firstIndex(where: { $0.name == name }) {
            attributes[i].value = value.text
        } else {
            attributes.append((name, value.text))
        }
    }

    public mutating func append(_ child: SVGElement) { children.append(.element(child)) }
    public mutating func append(contentsOf elements: [SVGElement]) { children.append(contentsOf: elements.map(SVGNode.element)) }

    /// The element as XML: one element per line, attribute values and text escaped.
    public func render() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        out += "<" + name
        for a in attributes { out += " " + a.name + "=\"" + XMLEscaping.attribute(a.value) + "\"" }
        if children.isEmpty { out += "/>\n"; return }
        out += ">"
        let textOnly = children.allSatisfy { if case .text = $0 { return true } else { return false } }
        if !textOnly { out += "\n" }
        for child in children {
            switch child {
            case .element(let e): e.write(to: &out)
            case .text(let t): out += XMLEscaping.text(t)
            }
        }
        out += "</" + name + ">\n"
    }

    public static func == (a: SVGElement, b: SVGElement) -> Bool {
        a.name == b.name && a.children == b.children
            && a.attributes.map(\.name) == b.attributes.map(\.name) && a.attributes.map(\.value) == b.attributes.map(\.value)
    }
}

/// An attribute value: text as it is, or a number written with at most two decimals.
public enum SVGValue: Sendable, ExpressibleByStringLiteral, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    case string(String)
    case number(Double)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }

    var text: String {
        switch self {
        case .string(let s): return s
        case .number(let v): return NumberFormat.coordinate(v)
        }
    }
}
