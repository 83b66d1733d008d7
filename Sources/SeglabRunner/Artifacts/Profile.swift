import Foundation
import SeglabData
import SeglabNumerics

/// A run's segment profile, written as `profile.csv` (SPEC §5): per cluster (noise first, then
/// by id) its size, its share of all customers, its share of revenue (where the profile has a
/// `monetary` column), and the mean, median and z-score of every unscaled column the profile
/// covers (`PreparedFeatureSet.unscaledColumns`: the features the data has, never a column of
/// zeros for one it does not); then its descriptive name (`SegmentNaming`) and suggested action
/// (`ActionRule`).
///
/// Every per-cluster statistic is computed here, so a new one is a new column of this type.
/// Numbers are written at `significantDigits` significant digits: the profile is for
/// reading, and 17 digits of a mean of 20,000 clipped values are noise. The text is still a
/// pure function of the labels, the table and the action rules (correctly rounded decimal, no
/// locale).
///
///     let p = Profile(table: set.table, columns: set.unscaledColumns, labels: fit.labels)
///     p.csv  // "cluster,size,share,recency_days,…,revenue_share,recency_days_median,…,recency_days_z,…,segment_name,action\n…"
///
/// A z-score is (segment mean − base mean) / base standard deviation, the base being every
/// customer of the run (noise included) and the deviation the population one (divisor n); 0
/// for a column constant over the base. A median of an even count is the mean of the two
/// middle values.
public struct Profile: Sendable, Equatable {
    public struct Cluster: Sendable, Equatable {
        public var cluster: Int
        public var size: Int
        public var share: Double
        /// The segment's share of the sum of `monetary` over all customers; nil when the
        /// profile has no `monetary` column (or the sum is 0).
        public var revenueShare: Double?
        /// One mean, median and z-score per `Profile.columns` entry.
        public var means: [Double]
        public var medians: [Double]
        public var zScores: [Double]
        /// Strongest first (`SegmentTrait.traits`).
        public var traits: [SegmentTrait]
        public var name: String
        public var action: String
    }

    public static let significantDigits = 6
    /// The column whose sums are revenue.
    public static let monetaryColumn = "monetary"
    /// Columns of `profile.csv` beside the statistics.
    public static let nameColumn = "segment_name", actionColumn = "action", revenueShareColumn = "revenue_share"

    /// The feature columns, in table order.
    public var columns: [String]
    public var clusters: [Cluster]
    /// Mean and population standard deviation of each column over all customers.
    public var baseMeans: [Double]
    public var baseDeviations: [Double]

    /// `actions`: the experiment's own action rules, tried before `ActionRule.defaults`.
    public init(table: CustomerTable, columns: [String], labels: [Int], actions: [ActionRule] = []) {
        // Clusters in ascending order (noise, -1, first); rows are added in table order.
        let (ids, slots) = Self.clusterSlots(labels)
        let source = columns.map { table.numericNames.firstIndex(of: $0)! }
        let d = source.count, width = table.numericNames.count, n = labels.count
        var sums = [Double](repeating: 0, count: ids.count * d)
        var total = [Double](repeating: 0, count: d)
        var counts = [Int](repeating: 0, count: ids.count)
        table.numeric.storage.withUnsafeBufferPointer { x in
            for (i, c) in slots.enumerated() {
                counts[c] += 1
                for (k, j) in source.enumerated() {
                    sums[c * d + k] += x[i * width + j]
                    total[k] += x[i * width + j]
                }
            }
        }
        let baseMeans = total.map { $0 / Double(n) }
        var squares = [Double](repeating: 0, count: d)
        table.numeric.storage.withUnsafeBufferPointer { x in
            for i in 0 ..< n {
                for (k, j) in source.enumerated() {
                    let e = x[i * width + j] - baseMeans[k]
                    squares[k] += e * e
                }
            }
        }
        let deviations = squares.map { ($0 / Double(n)).squareRoot() }
        let monetary = columns.firstIndex(of: Self.monetaryColumn)

        let allMedians = Self.medians(table, source: source, slots: slots, counts: counts)
        var clusters = ids.enumerated().map { c, id -> Cluster in
            let means = (0 ..< d).map { sums[c * d + $0] / Double(counts[c]) }
            let medians = Array(allMedians[c * d ..< (c + 1) * d])
            let z = (0 ..< d).map { k in deviations[k] > 0 ? (means[k] - baseMeans[k]) / deviations[k] : 0 }
            let revenue = monetary.flatMap { k in total[k] != 0 ? sums[c * d + k] / total[k] : nil }
            return Cluster(cluster: id, size: counts[c], share: Double(counts[c]) / Double(n), revenueShare: revenue,
                           means: means, medians: medians, zScores: z,
                           traits: id == -1 ? [] : SegmentTrait.traits(columns: columns, zScores: z, medians: medians),
                           name: "", action: "")
        }
        let names = SegmentNaming.names(clusters.map { ($0.cluster, $0.traits) })
        for c in clusters.indices {
            clusters[c].name = names[c]
            clusters[c].action = ActionRule.action(for: clusters[c].words, rules: actions)
        }
        self.columns = columns
        self.clusters = clusters
        self.baseMeans = baseMeans
        baseDeviations = deviations
    }

    /// Per cluster (slot) and `source` column, the median (clusters × columns, row-major). Each
    /// column is copied grouped by cluster (a counting sort: rows read in order, each cluster's
    /// stretch written in order, so no random reads of the table), then every cluster's stretch
    /// is selected in place: no array per cluster.
    private static func medians(_ table: CustomerTable, source: [Int], slots: [Int], counts: [Int]) -> [Double] {
        var start = [Int](repeating: 0, count: counts.count + 1)
        for c in counts.indices { start[c + 1] = start[c] + counts[c] }
        var next = start
        // position[i]: row i's place in the grouped order.
        var position = [Int](repeating: 0, count: slots.count)
        for (i, c) in slots.enumerated() {
            position[i] = next[c]
            next[c] += 1
        }
        let width = table.numericNames.count, d = source.count
        var medians = [Double](repeating: 0, count: counts.count * d)
        var values = [Double](repeating: 0, count: slots.count)
        table.numeric.storage.withUnsafeBufferPointer { x in
            values.withUnsafeMutableBufferPointer { v in
                position.withUnsafeBufferPointer { at in
                    for (k, j) in source.enumerated() {
                        for i in at.indices { v[at[i]] = x[i * width + j] }
                        for c in counts.indices where counts[c] > 0 {
                            medians[c * d + k] = Selection.median(inPlace: UnsafeMutableBufferPointer(rebasing: v[start[c] ..< start[c + 1]]))
                        }
                    }
                }
            }
        }
        return medians
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

    /// The header of `profile.csv`: the SPEC §5 columns first (`cluster,size,share` and the
    /// means under the columns' own names), then what was added since.
    public var header: [String] {
        ["cluster", "size", "share"] + columns
            + (columns.contains(Self.monetaryColumn) ? [Self.revenueShareColumn] : [])
            + columns.map { $0 + "_median" } + columns.map { $0 + "_z" } + [Self.nameColumn, Self.actionColumn]
    }

    /// One line per cluster, under `header`.
    public var csv: [UInt8] {
        var csv = CSVBytes()
        csv.row(header)
        let revenue = columns.contains(Self.monetaryColumn)
        for c in clusters {
            csv.int(c.cluster); csv.comma(); csv.int(c.size); csv.comma(); csv.real(Self.rounded(c.share))
            for m in c.means { csv.comma(); csv.real(Self.rounded(m)) }
            if revenue { csv.comma(); if let r = c.revenueShare { csv.real(Self.rounded(r)) } }
            for m in c.medians { csv.comma(); csv.real(Self.rounded(m)) }
            for z in c.zScores { csv.comma(); csv.real(Self.rounded(z)) }
            csv.comma(); csv.field(c.name); csv.comma(); csv.field(c.action)
            csv.newline()
        }
        return csv.bytes
    }

    /// Segment names by cluster id, from a `profile.csv` (its `segment_name` column), or from
    /// `contents` already read from it; empty when the file cannot be read or predates names.
    public static func segmentNames(csvPath: String, contents: [UInt8]? = nil) -> [Int: String] {
        guard let (header, rows) = try? CSVRecords.read(path: csvPath, contents: contents),
              let cluster = header.firstIndex(of: "cluster"), let name = header.firstIndex(of: nameColumn) else { return [:] }
        var names: [Int: String] = [:]
        for row in rows where !row[name].isEmpty {
            if let id = Int(row[cluster]) { names[id] = row[name] }
        }
        return names
    }

    /// `v` rounded to `significantDigits` significant digits; written in shortest round-trip
    /// form this reads `48.2139`, `0.25605`, `1234570.0`.
    static func rounded(_ v: Double) -> Double {
        Double(String(format: "%.\(significantDigits - 1)e", v))!
    }
}

extension Profile.Cluster {
    /// The words the action rules match: the strong traits' words, or "typical" (none), or
    /// "noise" (the noise cluster).
    var words: Set<String> {
        if cluster == -1 { return [SegmentNaming.noise] }
        let strong = traits.filter { $0.strength >= SegmentTrait.strong }.map(\.word)
        return strong.isEmpty ? [SegmentNaming.typical] : Set(strong)
    }
}
