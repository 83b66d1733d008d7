import SeglabCharts

/// One node of the report's page: an element, text (escaped when written), or markup written
/// as it is (an inline SVG chart, which `SVGDocument` already escaped).
enum HTMLNode: Sendable {
    case element(HTMLElement)
    case text(String)
    case raw(String)
}

/// An HTML element with attributes in the order given. The page is built as a tree of these
/// and written once, so escaping lives in one place (`XMLEscaping`, shared with the charts).
///
///     HTMLElement("td", ["class": "num"], text: "5,790").render()   // <td class="num">5,790</td>
struct HTMLElement: Sendable {
    let name: String
    var attributes: [(name: String, value: String)]
    var children: [HTMLNode]

    /// Elements that have no end tag.
    static let void: Set<String> = ["meta", "br", "hr", "img", "link"]

    init(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], content children: [HTMLNode] = []) {
        self.name = name
        self.attributes = attributes.map { ($0.key, $0.value) }
        self.children = children
    }

    init(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], text: String) {
        self.init(name, attributes, content: [.text(text)])
    }

    init(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], elements: [HTMLElement]) {
        self.init(name, attributes, content: elements.map(HTMLNode.element))
    }

    func render() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        out += "<" + name
        for a in attributes { out += " " + a.name + "=\"" + XMLEscaping.attribute(a.value) + "\"" }
        out += ">"
        if Self.void.contains(name) { out += "\n"; return }
        for child in children {
            switch child {
            case .element(let e): e.write(to: &out)
            case .text(let t): out += XMLEscaping.text(t)
            case .raw(let markup): out += markup
            }
        }
        out += "</" + name + ">"
        // Block elements on lines of their own, so the page's source is readable and diffs well.
        if !["a", "span", "code", "strong", "em", "small", "td", "th", "abbr"].contains(name) { out += "\n" }
    }
}
