/// Loads an experiment's customers from its data source and cleans them (SPEC §1, §5, §6).
///
///     let table = try DataLoader.load(.transactionsCSV(source), cleaning: CleaningRules(),
///                                     usedColumns: ["recency_days", "frequency", "monetary"])
public enum DataLoader {
    /// Loads and cleans customers. `usedColumns`: union of the columns named by the experiment's
    /// feature sets (nil = all candidate columns), so `missing: error` only fires on used
    /// columns. A customers_csv table keeps only the used columns; outliers are handled on the
    /// used numeric columns. Every bad input throws a `DataError`. Transactions give one row per
    /// customer with a purchase left, in order of the customer's first row in the file (its
    /// first appearance, even if cleaning dropped that row), with `CustomerFeatures.names`.
    /// A tables source is loaded through `tables` (one load shared by every feature set, and
    /// the product categories' clusterer), or a session of its own without categories.
    public static func load(_ source: DataSource, cleaning: CleaningRules, usedColumns: Set<String>?,
                            tables: TablesSession? = nil) throws -> CustomerTable {
        var table: CustomerTable
        let place: String
        switch source {
        case .synthetic(let s):
            place = "synthetic"
            try requireFeatures(usedColumns, place: place)
            table = SyntheticGenerator.generate(s)
        case .customersCSV(let s):
            place = s.path
            table = try CustomersCSVLoader.load(s, cleaning: cleaning, usedColumns: usedColumns)
        case .transactionsCSV(let s):
            place = s.path
            try requireFeatures(usedColumns, place: place)
            let rows = try TransactionsLoader.parse(s, cleaning: cleaning)
            let (keep, steps) = TransactionsLoader.clean(rows, cleaning: cleaning, columns: rows.columnCount)
            table = try CustomerFeatures.aggregate(rows, keep: keep, asOf: s.asOf, path: s.path, steps: steps)
        case .tables(let s):
            place = s.events.path
            table = try (tables ?? TablesSession(s)).table(cleaning: cleaning, usedColumns: usedColumns)
        }
        if let rule = cleaning.outliers {
            let columns = table.numericNames.indices.filter { usedColumns?.contains(table.numericNames[$0]) ?? true }
            table.report.steps.append(OutlierFilter.apply(rule, to: &table, columns: columns))
            if table.count == 0 { throw DataError(file: place, "no customer is left after clean.outliers") }
        }
        table.report.customers = table.count
        return table
    }

    /// The candidate feature columns a source offers, to validate feature sets before any run:
    /// the SPEC §5 features for synthetic and transactions (after checking the transactions
    /// header has the mapped columns), the numeric and text columns of a customers_csv (one
    /// pass over its rows, since a column's kind depends on every cell).
    public static func candidateColumns(_ source: DataSource) throws -> (numeric: [String], categorical: [String]) {
        switch source {
        case .synthetic:
            return (CustomerFeatures.names, [])
        case .customersCSV(let s):
            return try CustomersCSVLoader.candidates(s)
        case .transactionsCSV(let s):
            try TransactionsLoader.checkHeader(s)
            return (CustomerFeatures.names, [])
        case .tables(let s):
            // From the declaration; the files' headers are checked when they are read.
            return s.candidateColumns
        }
    }

    private static func requireFeatures(_ used: Set<String>?, place: String) throws {
        for name in (used ?? []).sorted() where !CustomerFeatures.names.contains(name) {
            throw DataError(file: place, column: name,
                            "is not a customer feature; the features are: \(CustomerFeatures.names.joined(separator: ", "))")
        }
    }
}
