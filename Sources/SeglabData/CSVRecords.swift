/// A small CSV file read whole as text, with the same parser and error messages as the data
/// sources (`profile.csv` for `seglab show`, an input's header for `assign`).
///
///     let (header, rows) = try CSVRecords.read(path: "results/q/0123456789ab/profile.csv")
public enum CSVRecords {
    /// The header and every record's fields, in file order; with `contents`, of those bytes
    /// (`path` then only names them).
    public static func read(path: String, contents: [UInt8]? = nil) throws -> (header: [String], rows: [[String]]) {
        let csv = try CSVReader(path: path, contents: contents)
        var rows: [[String]] = []
        while try csv.next() { rows.append(csv.header.indices.map(csv.string)) }
        return (csv.header, rows)
    }

    /// The header only; with `contents`, of those bytes (`path` then only names them).
    public static func header(path: String, contents: [UInt8]? = nil) throws -> [String] {
        try CSVReader(path: path, contents: contents).header
    }
}
