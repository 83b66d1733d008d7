import SeglabData

/// A feature set's customers as CSV, one row per customer in the order of `labels.csv`,
/// numbers in shortest round-trip form.
public enum FeatureCSV {
    /// The matrix the algorithms see: `customer_id`, then its columns named by what was done to
    /// them (`FittedFeaturePipeline.matrixColumnNames`: `recency_days_scaled`, …, or `pc1`…).
    public static func bytes(_ set: PreparedFeatureSet) -> [UInt8] {
        let m = set.matrix
        return write(header: ["customer_id"] + set.pipeline.matrixColumnNames, ids: set.table.ids,
                     capacity: m.rows * (12 + 20 * m.cols)) { i, csv in
            for j in 0 ..< m.cols { csv.comma(); csv.real(m.storage[i * m.cols + j]) }
        }
    }

    /// The cleaned, unscaled customers, in the run's source format as `assign` reads it: the id
    /// column (the source's `id` for a customers_csv, else `customer_id`), every column of
    /// `unscaledColumns`, then the set's one-hot text columns. Assigning this file to one of
    /// the set's runs gives back the run's labels.
    public static func rawBytes(_ set: PreparedFeatureSet, source: DataSource) -> [UInt8] {
        let idColumn: String
        if case .customersCSV(let c) = source { idColumn = c.id } else { idColumn = Assignment.customerIDColumn }
        let t = set.table
        let numeric = set.unscaledColumns.map { t.numericNames.firstIndex(of: $0)! }
        let text = set.definition.onehot.map { t.categoricalNames.firstIndex(of: $0)! }
        let header = [idColumn] + set.unscaledColumns + set.definition.onehot
        return write(header: header, ids: t.ids, capacity: t.ids.count * (12 + 20 * (numeric.count + text.count))) { i, csv in
            for j in numeric { csv.comma(); csv.real(t.numeric[i, j]) }
            for j in text { csv.comma(); csv.field(t.categorical[j][i]) }
        }
    }

    private static func write(header: [String], ids: [String], capacity: Int, row: (Int, inout CSVBytes) -> Void) -> [UInt8] {
        var csv = CSVBytes(capacity: capacity)
        csv.row(header)
        for (i, id) in ids.enumerated() {
            csv.field(id)
            row(i, &csv)
            csv.newline()
        }
        return csv.bytes
    }
}
