/// Loads an experiment's customers from its data source and cleans them (SPEC §1, §5, §6).
///
/// A source is read once (`read`): its bytes are hashed as they are parsed, and every feature
/// set's load (`load(_:cleaning:usedColumns:)`) works from that one read.
///
///     let data = try DataLoader.read(.transactionsCSV(source), cleaning: CleaningRules())
///     let table = try DataLoader.load(data, cleaning: CleaningRules(), usedColumns: ["recency_days", "frequency"])
public enum DataLoader {
    /// One read of a data source: the SHA-256 of the very bytes parsed (nil for the synthetic
    /// generator, which has no file, and for tables, whose fingerprint the runner's
    /// `TablesIdentity` takes from every file's SHA-256 with its options), and what the loads
    /// need — for transactions the customer table (aggregation does not depend on the feature
    /// sets), for a customers file its bytes, for tables the session that reads, joins and
    /// aggregates them once.
    public final class SourceData: @unchecked Sendable {
        public let source: DataSource
        public let fingerprint: String?
        fileprivate enum Content {
            case table(CustomerTable)
            case customers(CustomersCSVLoader.File)
            case tables(TablesSession)
        }
        fileprivate let content: Content

        fileprivate init(source: DataSource, fingerprint: String?, content: Content) {
            self.source = source; self.fingerprint = fingerprint; self.content = content
        }
    }

    /// Reads the source once: a transactions file streamed (peak memory far below the file's
    /// size; `progress` hears the bytes read), a customers file whole. Every bad input of the
    /// file throws a `DataError`. A tables source is read by `tables` on its first load (the
    /// session shared with the product categories' clusterer), or a session of its own
    /// without categories.
    public static func read(_ source: DataSource, cleaning: CleaningRules, progress: ReadProgress? = nil,
                            tables: TablesSession? = nil) throws -> SourceData {
        switch source {
        case .synthetic(let s):
            return SourceData(source: source, fingerprint: nil, content: .table(SyntheticGenerator.generate(s)))
        case .customersCSV(let s):
            let file = try CustomersCSVLoader.File(s, progress: progress)
            return SourceData(source: source, fingerprint: file.fingerprint, content: .customers(file))
        case .transactionsCSV(let s):
            let (table, fingerprint) = try TransactionsLoader.load(s, cleaning: cleaning, progress: progress)
            return SourceData(source: source, fingerprint: fingerprint, content: .table(table))
        case .tables(let s):
            return SourceData(source: source, fingerprint: nil, content: .tables(tables ?? TablesSession(s)))
        }
    }

    /// Loads and cleans customers from one read of the source. `usedColumns`: union of the
    /// columns named by the experiment's feature sets (nil = all candidate columns), so
    /// `missing: error` only fires on used columns. A customers_csv table keeps only the used
    /// columns; outliers are handled on the used numeric columns. Every bad input throws a
    /// `DataError`. Transactions give one row per customer with a purchase left, in order of
    /// the customer's first row in the file (its first appearance, even if cleaning dropped
    /// that row), with `CustomerFeatures.names`. Tables are loaded through their session.
    public static func load(_ data: SourceData, cleaning: CleaningRules, usedColumns: Set<String>?) throws -> CustomerTable {
        var table: CustomerTable
        let place: String
        switch (data.source, data.content) {
        case (.customersCSV(let s), .customers(let file)):
            place = s.path
            table = try CustomersCSVLoader.load(file, s, cleaning: cleaning, usedColumns: usedColumns)
        case (_, .table(let t)):
            place = placeName(data.source)
            try requireFeatures(usedColumns, place: place)
            table = t
        case (.tables, .tables(let session)):
            place = placeName(data.source)
            table = try session.table(cleaning: cleaning, usedColumns: usedColumns)
        default:
            preconditionFailure("a source's data does not match its kind")
        }
        if let rule = cleaning.outliers {
            let columns = table.numericNames.indices.filter { usedColumns?.contains(table.numericNames[$0]) ?? true }
            table.report.steps.append(OutlierFilter.apply(rule, to: &table, columns: columns))
            if table.count == 0 { throw DataError(file: place, "no customer is left after clean.outliers") }
        }
        table.report.customers = table.count
        return table
    }

    /// Reads and loads in one go (`assign`, benchmarks, tests). For transactions and synthetic
    /// data, feature names are checked before the file is read.
    public static func load(_ source: DataSource, cleaning: CleaningRules, usedColumns: Set<String>?,
                            tables: TablesSession? = nil) throws -> CustomerTable {
        switch source {
        case .synthetic, .transactionsCSV: try requireFeatures(usedColumns, place: placeName(source))
        case .customersCSV, .tables: break
        }
        return try load(read(source, cleaning: cleaning, tables: tables), cleaning: cleaning, usedColumns: usedColumns)
    }

    /// The candidate feature columns of a source read once: the SPEC §5 features for
    /// synthetic and transactions, the numeric and text columns of a customers_csv (a column's
    /// kind depends on every cell), a tables source's from its declaration (the files' headers
    /// are checked when they are read).
    public static func candidateColumns(_ data: SourceData) -> (numeric: [String], categorical: [String]) {
        switch data.content {
        case .customers(let file): return file.candidates
        case .tables(let session): return session.source.candidateColumns
        case .table: return (CustomerFeatures.names, [])
        }
    }

    /// The candidate feature columns, without reading more than needed: the SPEC §5 features
    /// for synthetic and transactions (after checking the transactions header has the mapped
    /// columns), the columns of a customers_csv (one pass over its rows).
    public static func candidateColumns(_ source: DataSource) throws -> (numeric: [String], categorical: [String]) {
        switch source {
        case .synthetic:
            return (CustomerFeatures.names, [])
        case .customersCSV(let s):
            return try CustomersCSVLoader.File(s).candidates
        case .transactionsCSV(let s):
            try TransactionsLoader.checkHeader(s)
            return (CustomerFeatures.names, [])
        case .tables(let s):
            // From the declaration; the files' headers are checked when they are read.
            return s.candidateColumns
        }
    }

    private static func placeName(_ source: DataSource) -> String {
        switch source {
        case .synthetic: return "synthetic"
        case .customersCSV(let s): return s.path
        case .transactionsCSV(let s): return s.path
        case .tables(let s): return s.events.path
        }
    }

    private static func requireFeatures(_ used: Set<String>?, place: String) throws {
        for name in (used ?? []).sorted() where !CustomerFeatures.names.contains(name) {
            throw DataError(file: place, column: name,
                            "is not a customer feature; the features are: \(CustomerFeatures.names.joined(separator: ", "))")
        }
    }
}
