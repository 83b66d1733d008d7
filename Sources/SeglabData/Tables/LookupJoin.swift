/// Joins of a tables source: each lookup table (and the customer table) indexed by its key,
/// and, for every row of a root table (events or customers), the row of each lookup its chain
/// reaches.
///
/// Keys compare as text, byte for byte (`106` and `106.0` differ). A key that appears twice in
/// a lookup table, or an empty key, is bad input naming the file, row and column. A row whose
/// key has no match — an empty cell, or a value the lookup does not have — is *unmatched* for
/// that lookup, and is counted there once: a row whose chain broke earlier (its branch is
/// unknown, so its merchant cannot be looked up) counts only at the first broken link.
enum LookupJoin {
    /// A table indexed by its key column.
    struct Index {
        let name: String
        let table: TableColumns
        let key: String
        private let rowOfKey: [String: Int32]

        init(name: String, table: TableColumns, key: String) throws {
            self.name = name; self.table = table; self.key = key
            let column = table.text[key]!
            var rows = [Int32](repeating: -1, count: column.values.count)
            for (r, code) in column.codes.enumerated() {
                guard code >= 0 else {
                    throw DataError(file: table.path, row: table.lines[r], column: key, "is empty; every row of a keyed table needs its key")
                }
                if rows[Int(code)] >= 0 {
                    throw DataError(file: table.path, row: table.lines[r], column: key,
                                    "key '\(excerpt(column.string(code)))' also appears on row \(table.lines[Int(rows[Int(code)])]); each key must appear once")
                }
                rows[Int(code)] = Int32(r)
            }
            var byKey = [String: Int32](minimumCapacity: rows.count)
            for (code, r) in rows.enumerated() { byKey[column.values.string(code)] = r }
            rowOfKey = byKey
        }

        /// For each code of `column` (a text column of another table), this table's row with that key, or -1.
        func rows(forCodesOf column: TableColumns.Text) -> [Int32] {
            (0 ..< column.values.count).map { rowOfKey[column.values.string($0)] ?? -1 }
        }

        /// The row of each entry of `codes`, through `rows(forCodesOf:)` (-1 for an empty cell or no match).
        func rows(of codes: [Int32], in column: TableColumns.Text) -> [Int32] {
            let byCode = rows(forCodesOf: column)
            return codes.map { $0 < 0 ? -1 : byCode[Int($0)] }
        }
    }

    /// The rows each lookup of one root table reaches, per root row.
    struct Resolved {
        /// Lookup name → its row for each root row (-1: no match, or the chain broke earlier).
        var rows: [String: [Int32]] = [:]
        /// Lookup name → root rows (among the active ones) whose key for it matched nothing.
        var unmatched: [String: Int] = [:]
    }

    /// Resolves every lookup chained from `root` (`events` or `customers`), parents before
    /// children. `active` marks the root rows to count (nil: all).
    static func resolve(root: String, table: TableColumns, active: [Bool]?, lookups: [LookupTable],
                        indexes: [String: Index], source: TablesSource) -> Resolved {
        var out = Resolved()
        let chained = lookups.filter { source.root(of: $0.name) == root }
        func depth(_ l: LookupTable) -> Int {
            var d = 0, name = l.from.table
            while let parent = source.lookup(name) { d += 1; name = parent.from.table }
            return d
        }
        for lookup in chained.sorted(by: { depth($0) < depth($1) }) {
            let index = indexes[lookup.name]!
            let rows: [Int32]
            let parentRows: [Int32]?
            if lookup.from.table == root {
                parentRows = nil
                rows = index.rows(of: table.text[lookup.from.column]!.codes, in: table.text[lookup.from.column]!)
            } else {
                let parent = indexes[lookup.from.table]!
                let column = parent.table.text[lookup.from.column]!
                let childOfParent = index.rows(of: column.codes, in: column)
                let p = out.rows[lookup.from.table]!
                parentRows = p
                rows = p.map { $0 < 0 ? -1 : childOfParent[Int($0)] }
            }
            var unmatched = 0
            for i in rows.indices where rows[i] < 0 && (active?[i] ?? true) && (parentRows.map { $0[i] >= 0 } ?? true) {
                unmatched += 1
            }
            out.rows[lookup.name] = rows
            out.unmatched[lookup.name] = unmatched
        }
        return out
    }
}
