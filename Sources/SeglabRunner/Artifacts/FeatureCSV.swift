/// The matrix the algorithms see for one feature set: `customer_id` then the feature names,
/// one row per customer in the order of `labels.csv`, shortest round-trip numbers.
public enum FeatureCSV {
    public static func bytes(_ set: PreparedFeatureSet) -> [UInt8] {
        var out = (["customer_id"] + set.pipeline.featureNames).map(CSVText.field).joined(separator: ",") + "\n"
        let m = set.matrix
        for i in 0 ..< m.rows {
            out += CSVText.field(set.table.ids[i])
            for j in 0 ..< m.cols { out += ","; out += CSVText.real(m.storage[i * m.cols + j]) }
            out += "\n"
        }
        return Array(out.utf8)
    }
}
