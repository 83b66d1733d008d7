import SeglabCharts

/// A chart of the report: written to `charts/<name>.svg` and inlined in the page.
struct ReportChart: Sendable {
    /// The file name under `charts/` (letters, digits, `-`, `.`).
    var file: String
    var svg: String
    /// A sentence under the chart saying how to read it (nil: none).
    var caption: String?

    init(_ name: String, _ chart: any Chart, caption: String? = nil) {
        file = Self.fileName(name)
        svg = chart.render()
        self.caption = caption
    }

    /// `name` in lower case, anything but letters, digits and `-` turned to `-`, plus `.svg`.
    static func fileName(_ name: String) -> String {
        var out = ""
        for c in name.lowercased().unicodeScalars {
            let keep = ("a" ... "z").contains(c) || ("0" ... "9").contains(c)
            if keep { out.unicodeScalars.append(c) } else if !out.hasSuffix("-") { out += "-" }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out + ".svg"
    }
}
