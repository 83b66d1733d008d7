import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SeglabCharts
import XCTest

/// An SVG document parsed back by Foundation's XMLParser (libxml2 on Linux): parsing
/// fails on anything that is not well-formed XML, and the elements can be inspected.
struct ParsedSVG {
    struct Element {
        let name: String
        let attributes: [String: String]
        var text: String
        /// Names of the enclosing elements, outermost first.
        let path: [String]
        /// `class` attributes of the enclosing groups.
        let groups: [String]
    }

    let elements: [Element]

    init(_ svg: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        guard parser.parse() else {
            XCTFail("not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)", file: file, line: line)
            throw XCTSkip("unparsable")
        }
        elements = collector.elements
    }

    var root: Element { elements[0] }

    func all(_ name: String, inGroup group: String? = nil) -> [Element] {
        elements.filter { $0.name == name && (group == nil || $0.groups.contains(group!)) }
    }

    var texts: [String] { all("text").map(\.text) }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        var open: [Int] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let path = open.map { elements[$0].name }
            let groups = open.compactMap { elements[$0].name == "g" ? elements[$0].attributes["class"] : nil }
            elements.append(Element(name: name, attributes: attributes, text: "", path: path, groups: groups))
            open.append(elements.count - 1)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let last = open.last { elements[last].text += string }
        }
    }
}

/// What every chart must satisfy: well-formed, sized, titled, deterministic, no NaN, numbers
/// with at most two decimals, every horizontal label inside the picture.
func assertValidChart(_ chart: some Chart, title: String, file: StaticString = #filePath, line: UInt = #line) throws -> ParsedSVG {
    let svg = chart.render()
    XCTAssertEqual(svg, chart.render(), "same input, same bytes", file: file, line: line)
    let parsed = try ParsedSVG(svg, file: file, line: line)
    let root = parsed.root
    XCTAssertEqual(root.name, "svg", file: file, line: line)
    XCTAssertEqual(root.attributes["xmlns"], "http://www.w3.org/2000/svg", file: file, line: line)
    let width = Double(root.attributes["width"] ?? "") ?? 0, height = Double(root.attributes["height"] ?? "") ?? 0
    XCTAssertGreaterThan(width, 0, file: file, line: line)
    XCTAssertEqual(root.attributes["viewBox"], "0 0 \(root.attributes["width"]!) \(root.attributes["height"]!)", file: file, line: line)
    XCTAssertEqual(parsed.elements[1].name, "title", "<title> comes first, for screen readers", file: file, line: line)
    XCTAssertEqual(parsed.elements[1].text, title, file: file, line: line)
    XCTAssertFalse(svg.lowercased().contains("nan") || svg.contains("inf"), "no NaN or infinity written", file: file, line: line)
    XCTAssertFalse(svg.contains(" id="), "no ids: many charts share one HTML page", file: file, line: line)
    let number = try NSRegularExpression(pattern: "[0-9]\\.[0-9]{3,}")
    for e in parsed.elements {
        for (name, value) in e.attributes where name != "font-family" {
            let range = NSRange(value.startIndex..., in: value)
            XCTAssertNil(number.firstMatch(in: value, range: range), "\(e.name) \(name)=\"\(value)\" has more than 2 decimals", file: file, line: line)
        }
    }
    for t in parsed.all("text") where t.attributes["transform"] == nil {
        let x = Double(t.attributes["x"]!)!, size = Double(t.attributes["font-size"]!)!
        let w = TextMeasure.width(t.text, fontSize: size, bold: t.attributes["font-weight"] == "bold")
        let left: Double
        switch t.attributes["text-anchor"] {
        case "end": left = x - w
        case "middle": left = x - w / 2
        default: left = x
        }
        XCTAssertGreaterThanOrEqual(left, -0.5, "\"\(t.text)\" starts outside the chart", file: file, line: line)
        XCTAssertLessThanOrEqual(left + w, width + 0.5, "\"\(t.text)\" ends outside the chart", file: file, line: line)
        let y = Double(t.attributes["y"]!)!
        XCTAssertTrue(y > size * 0.7 && y <= height, "\"\(t.text)\" at y \(y) is outside the chart", file: file, line: line)
    }
    return parsed
}
