/// A table of the page: a header row, then rows of cells (text, or richer content).
enum HTMLTable {
    /// One cell's content.
    typealias Cell = [HTMLNode]

    /// `numeric`: the columns whose cells are right-aligned numbers.
    static func make(header: [String], rows: [[Cell]], numeric: Set<Int> = [], className: String? = nil) -> HTMLElement {
        func cell(_ tag: String, _ column: Int, _ content: Cell) -> HTMLElement {
            numeric.contains(column) ? HTMLElement(tag, ["class": "num"], content: content) : HTMLElement(tag, content: content)
        }
        let head = HTMLElement("thead", elements: [HTMLElement("tr", elements: header.enumerated().map { cell("th", $0, [.text($1)]) })])
        let body = HTMLElement("tbody", elements: rows.map { row in HTMLElement("tr", elements: row.enumerated().map { cell("td", $0, $1) }) })
        var table = HTMLElement("table", elements: [head, body])
        if let className { table.attributes.append(("class", className)) }
        return HTMLElement("div", ["class": "table"], elements: [table])
    }

    /// Rows of plain text.
    static func make(header: [String], text rows: [[String]], numeric: Set<Int> = [], className: String? = nil) -> HTMLElement {
        make(header: header, rows: rows.map { $0.map { [.text($0)] } }, numeric: numeric, className: className)
    }
}
