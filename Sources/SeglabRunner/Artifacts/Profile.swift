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
        // Clusters in ascending order (noise, -1, first); rows are added in table order.
        let (ids, slots) = Self.clusterSlots(labels)
        let source = columns.map { table.numericNames.firstIndex(of: $0)! }
        let d = source.count, width = table.numericNames.count
        var sums = [Double](repeating: 0, count: ids.count * d)
        var counts = [Int](repeating: 0, count: ids.count)
        table.numeric.storage.withUnsafeBufferPointer { x in
            for (i, c) in slots.enumerated() {
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

    /// The distinct labels ascending, and each row's position among them (a lookup table for
    /// the usual labels -1 ..< k, a dictionary otherwise): no hashing per row at 1M customers.
    private static func clusterSlots(_ labels: [Int]) -> (clusters: [Int], slots: [Int]) {
        guard let lo = labels.min(), let hi = labels.max() else { return ([], []) }
        if lo >= -1, hi < 1 << 20 {
            var slot = [Int](repeating: -1, count: hi + 2)
            for l in labels { slot[l + 1] = 0 }
            var clusters = [Int]()
            for v in slot.indices where slot[v] == 0 { slot[v] = clusters.count; clusters.append(v - 1) }
            return (clusters, labels.map { slot[$0 + 1] })
        }
        let clusters = Set(labels).sorted()
        let slot = Dictionary(uniqueKeysWithValues: clusters.enumerated().map { ($1, $0) })
        return (clusters, labels.map { slot[$0]! })
    }

    /// `cluster,size,share,<column>…`, one line per cluster.
    public var csv: [UInt8] {
        var csv = CSVBytes()
        csv.row(["cluster", "size", "share"] + columns)
        for c in clusters {
            csv.int(c.cluster); csv.comma(); csv.int(c.size); csv.comma(); csv.real(Self.rounded(c.share))
            for m in c.means { csv.comma(); csv.real(Self.rounded(m)) }
            csv.newline()
        }
        return csv.bytes
    }

    /// `v` rounded to `significantDigits` significant digits; written in shortest round-trip
    /// form this reads `48.2139`, `0.25605`, `1234570.0`.
    static func rounded(_ v: Double) -> Double {
        Double(String(format: "%.\(significantDigits - 1)e", v))!
    }
}
