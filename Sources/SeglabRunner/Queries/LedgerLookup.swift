import SeglabLedger

/// Name checks shared by the commands and the HTTP API, so both refuse the same queries with
/// the same messages.
public enum LedgerLookup {
    /// The id of the run whose id is `given` or starts with it (ids are case-insensitive; an id
    /// that is also the prefix of a longer id, see `Ledger`, names itself).
    ///
    ///     try LedgerLookup.runID("be9c93a3", in: ledger)   // "be9c93a31e85"
    public static func runID(_ given: String, in ledger: Ledger) throws -> String {
        let matches = try ledger.runs(idPrefix: given)
        if matches.count == 1 { return matches[0].id }
        if let exact = matches.first(where: { $0.id == given.lowercased() }) { return exact.id }
        if matches.isEmpty { throw QueryError(.unknownRun, "no run with id \(given) in the ledger") }
        throw QueryError(.ambiguousRun, "run id \(given) is ambiguous: \(matches.prefix(5).map(\.id).joined(separator: ", "))…")
    }

    /// A filter naming something the ledger does not hold is bad usage, as an unknown run id
    /// is: the message lists what exists, and suggests the one name that differs only in case,
    /// `-` or `_` (`online_retail` for `online-retail`).
    public static func requireKnown(_ given: String?, among existing: [String], kind: String, ledger: String) throws {
        guard let given, !existing.contains(given) else { return }
        throw QueryError(.unknownName, unknownName(given, among: existing, kind: kind, ledger: ledger))
    }

    /// "no experiment named 'online_retail' in results/ledger.sqlite (did you mean 'online-retail'?); experiments: …"
    public static func unknownName(_ given: String, among existing: [String], kind: String, ledger: String) -> String {
        let key = { (s: String) in s.lowercased().filter { $0 != "-" && $0 != "_" } }
        let close = existing.filter { key($0) == key(given) }
        return "no \(kind) named '\(given)' in \(ledger)"
            + (close.count == 1 ? " (did you mean '\(close[0])'?)" : "")
            + (existing.isEmpty ? "; it has none" : "; \(kind)s: \(existing.joined(separator: ", "))")
    }
}
