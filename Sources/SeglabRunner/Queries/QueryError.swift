/// A query the ledger cannot answer as asked: a name it does not hold, an unknown or
/// ambiguous run id, an option out of range. `seglab` exits 2 with the message; `seglab serve`
/// answers 404 for an unknown run and 400 for the rest.
///
///     throw QueryError(.unknownRun, "no run with id 0123 in the ledger")
public struct QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No run has this id or id prefix.
        case unknownRun
        /// An id prefix that several runs share.
        case ambiguousRun
        /// A filter naming an experiment, algorithm, metric or parameter the ledger does not hold.
        case unknownName
        /// An option value out of its range.
        case invalidValue
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
