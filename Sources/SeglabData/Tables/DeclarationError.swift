/// A declaration of the experiment file that the data contradicts (a column the file does not
/// have, a `share` of a value that never occurs, an aggregate with no value and no rule for
/// it). `path` is the declaration's JSON path; the caller adds the experiment file's name.
public struct DeclarationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, _ message: String) { self.path = path; self.message = message }
    public var description: String { "at \(path): \(message)" }
}

/// JSON paths of a tables source's declarations, for messages.
enum TablesPlace {
    static let root = "data.tables"
    static func events(_ role: String) -> String { "\(root).events.\(role)" }
    static func lookup(_ name: String, _ key: String) -> String { "\(root).lookups.\(excerpt(name)).\(key)" }
    static func customers(_ key: String) -> String { "\(root).customers.\(key)" }
    static func attribute(_ name: String) -> String { "\(root).customers.attributes.\(excerpt(name))" }
    static func truth(_ key: String) -> String { "\(root).truth.\(key)" }
    static func aggregate(_ name: String) -> String { "\(root).aggregates.\(excerpt(name))" }
    static let categories = "\(root).categories"
    static let asOf = "\(root).as_of"
}
