import Foundation
import SeglabData

/// A run's segment profile, written as `profile.csv` (SPEC §5): per cluster (noise first, then
/// by id) its size, its share of all customers and the mean of every unscaled column the
/// profile covers (`PreparedFeatureSet.unscaledColumns`: the features the data has, never a
/// column of zeros for one it does not).
///
/// Every per-cluster statistic is computed here, so a new one is a new column of this type.
/// Shares and means are written at `significantDigits` significant digits: the profile is for
/// reading, and 17 digits of a mean of 20,000 clipped values are noise. The text is still a
/// pure function of the labels and the table (correctly rounded decimal, no locale).
///
///     let p = Profile(table: set.table, columns: set.unscaledColumns, labels: fit.labels)
///     p.csv  // "cluster,size,share,recency_days,…\n0,5121,0.25605,48.2139,…"
public struct Profile: Sendable, Equatable {
    public struct Cluster: Sendable, Equatable {
        public var cluster: Int
        public var size: Int
        public var share: Double
        /// One mean per `Profile.columns` entry.
        public var means: [Double]
    }

    public static let significantDigits = 6

    /// The feature columns, in table order.
    public var columns: [String]
    public var clusters: [Cluster]

    public init(table: CustomerTable, columns: [String], labels: [Int]) {
        let ids = Set(labels).sorted()
        let slot = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        let source = columns.map { table.numericNames.firstIndex(of: $0)! }
        let d = source.count, width = table.numericNames.count
        // Sums per cluster slot, rows added in table order.
        var sums = [Double](repeating: 0, count: ids.count * d)
        var counts = [Int](repeating: 0, count: ids.count)
        table.numeric.storage.withUnsafeBufferPointer { x in
            for (i, l) in labels.enumerated() {
                let c = slot[l]!
                counts[c] += 1
                for (k, j) in source.enumerated() { sums[c * d + k] += x[i * width + j] }
            }
        }
        self.columns = columns
        clusters = ids.enumerated().map { c, id in
            Cluster(cluster: id, size: counts[c], share: Double(counts[c]) / Double(labels.count),
                    means: (0 ..< d).map { sums[c * d + $0] / Double(counts[c]) })
        }
    }

    /// `cluster,size,share,<column>…`, one line per cluster.
    public var csv: [UInt8] {
        var out = "cluster,size,share" + columns.map { "," + CSVText.field($0) }.joined() + "\n"
        for c in clusters {
            out += "\(c.cluster),\(c.size),\(Self.rounded(c.share))"
            for m in c.means { out += "," + Self.rounded(m) }
            out += "\n"
        }
        return Array(out.utf8)
    }

    /// `v` rounded to `significantDigits` significant digits, in shortest round-trip form
    /// (`48.2139`, `0.25605`, `1234570.0`).
    static func rounded(_ v: Double) -> String {
        CSVText.real(Double(String(format: "%.\(significantDigits - 1)e", v))!)
    }
}
