import SeglabMetrics

/// How metric values are written: counts and flags (`MetricCatalog.integerValued`) as
/// integers everywhere (`6`, not `6.0`); other values exactly in CSV and JSON (shortest
/// round-trip). Tables for people round them.
///
///     MetricText.json("n_clusters", 6.0)    // .int(6)
///     MetricText.exact("silhouette", 0.41)  // "0.41"
public enum MetricText {
    public static func isInteger(_ name: String, _ v: Double) -> Bool {
        MetricCatalog.integerValued.contains(name) && v == v.rounded() && abs(v) < 1e15
    }

    public static func json(_ name: String, _ v: Double?) -> JSONValue {
        guard let v else { return .null }
        return isInteger(name, v) ? .int(Int(v)) : .real(v)
    }

    /// For CSV: an integer, or the shortest round-trip text; empty for NULL.
    public static func exact(_ name: String, _ v: Double?) -> String {
        guard let v else { return "" }
        return isInteger(name, v) ? String(Int(v)) : JSONWriter.real(v)
    }
}
