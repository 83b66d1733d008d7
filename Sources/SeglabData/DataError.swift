/// Bad input found in a data file (SPEC §6): one clear message naming the file and the place.
public struct DataError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line of the file, the header being line 1; nil when the problem is not one row.
    public var row: Int?
    public var column: String?
    public var message: String

    public init(file: String, row: Int? = nil, column: String? = nil, _ message: String) {
        self.file = file; self.row = row; self.column = column; self.message = message
    }

    public var description: String {
        var place = file
        if let row { place += ", row \(row)" }
        if let column { place += ", column '\(excerpt(column))'" }
        return "\(place): \(message)"
    }
}
