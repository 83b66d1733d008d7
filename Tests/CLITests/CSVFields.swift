import Foundation

extension CLITestCase {
    /// A small CSV file of the test folder: header and rows, fields unquoted.
    func csv(_ name: String) throws -> (header: [String], rows: [[String]]) {
        let lines = try read(name).split(separator: "\n").map { splitCSV(String($0)) }
        return (lines[0], Array(lines.dropFirst()))
    }

    /// Fields of one CSV line (quotes as RFC 4180; no line breaks inside fields here).
    func splitCSV(_ line: String) -> [String] {
        let chars = Array(line)
        var fields: [String] = [], field = "", quoted = false, i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted && c == "\"" {
                if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
            } else if quoted {
                field.append(c)
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(field); field = ""
            } else {
                field.append(c)
            }
            i += 1
        }
        fields.append(field)
        return fields
    }
}
