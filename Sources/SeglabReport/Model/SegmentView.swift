import Foundation
import SeglabCharts
import SeglabData
import SeglabEmbedding
import SeglabLedger
import SeglabNumerics
import SeglabRunner

/// The chosen run's segments as the report draws them: its profile (names, actions,
/// z-scores), and its customers in two dimensions — the first two principal components of
/// the matrix the algorithm saw, and t-SNE — for a seeded sample of at most `sampleLimit`.
///
/// The sample is `sampleSortedIndices` of stream `report.sample` of the run's seed, and
/// t-SNE (scikit-learn's defaults, PCA start) draws from stream `embedding.tsne` of it:
/// the same run always gives the same pictures.
struct SegmentView: Sendable {
    var run: RunData
    var profile: Profile
    /// Customers drawn in the scatter plots, and in the run.
    var sampled: Int, customers: Int
    /// Per cluster of `profile` (same order): sampled customers' coordinates.
    var pca: [[ChartPoint]]?
    /// Share of the matrix's variance on each of the two axes.
    var pcaVariance: (Double, Double)?
    var tsne: [[ChartPoint]]?
    var tsneKL: Double?
    /// Why a view is missing (too few customers or columns).
    var notes: [String] = []
    /// Per-epoch losses per stage, from a `loss.csv` artifact.
    var loss: [(stage: String, points: [ChartPoint])] = []

    static let sampleLimit = 2_000
    static let sampleStream = "report.sample"

    init(run: RunData, details: RunDetails, planned: PlannedRun, set: PreparedFeatureSet) throws {
        self.run = run
        let labels = try RunLabels(run: details)
        guard labels.ids == set.table.ids else {
            throw ReportError("run \(run.id): labels.csv lists other customers than its rebuilt data (was the data changed?)")
        }
        profile = Profile(table: set.table, columns: set.unscaledColumns, labels: labels.labels, actions: planned.actions)
        customers = labels.labels.count
        let slot = Dictionary(uniqueKeysWithValues: profile.clusters.enumerated().map { ($1.cluster, $0) })

        let x = set.matrix
        let rows: [Int]
        if x.rows > Self.sampleLimit {
            var rng = Xoshiro256StarStar(seed: planned.seed, stream: Self.sampleStream)
            rows = rng.sampleSortedIndices(Self.sampleLimit, from: x.rows)
        } else {
            rows = Array(0 ..< x.rows)
        }
        sampled = rows.count
        let sample = Matrix(rows: rows.count, cols: x.cols, storage: rows.flatMap { i in (0 ..< x.cols).map { x[i, $0] } })
        func byCluster(_ coordinates: Matrix) -> [[ChartPoint]] {
            var groups = [[ChartPoint]](repeating: [], count: profile.clusters.count)
            for (r, i) in rows.enumerated() {
                groups[slot[labels.labels[i]]!].append(ChartPoint(x: coordinates[r, 0], y: coordinates[r, 1]))
            }
            return groups
        }

        if x.cols >= 2 {
            let (pcs, ratios) = try PrincipalComponents.fit(x, choice: .components(2), place: "run \(run.id)")
            pca = byCluster(pcs.project(sample))
            pcaVariance = (ratios[0], ratios[1])
        } else {
            notes.append("PCA view: the matrix has one column")
        }
        var tsneModel = TSNE()
        // t-SNE requires perplexity < n (scikit-learn too): a tiny sample gets a third of n − 1.
        if Double(sample.rows) <= tsneModel.perplexity { tsneModel.perplexity = Double(sample.rows - 1) / 3 }
        if sample.rows >= 4 {
            var rng = Xoshiro256StarStar(seed: planned.seed, stream: TSNE.stream)
            let embedding = try tsneModel.fit(sample, rng: &rng)
            tsne = byCluster(embedding.embedding)
            tsneKL = embedding.klDivergence
        } else {
            notes.append("t-SNE view: fewer than 4 customers")
        }
        loss = Self.lossCurve(details)
    }

    /// The `loss.csv` artifact (any run that writes one: `stage` (optional), `epoch`, `loss`
    /// columns), one series per stage in the file's order; empty when absent or unreadable.
    static func lossCurve(_ details: RunDetails) -> [(stage: String, points: [ChartPoint])] {
        guard let artifact = details.artifact(named: "loss.csv"),
              let (header, rows) = try? CSVRecords.read(path: artifact.path),
              let epoch = header.firstIndex(of: "epoch"), let loss = header.firstIndex(of: "loss") else { return [] }
        let stage = header.firstIndex(of: "stage")
        var series: [(stage: String, points: [ChartPoint])] = []
        for row in rows {
            guard let e = Double(row[epoch]), let l = Double(row[loss]), l.isFinite else { continue }
            let name = stage.map { row[$0] } ?? "loss"
            if series.last?.stage != name { series.append((name, [])) }
            series[series.count - 1].points.append(ChartPoint(x: e, y: l))
        }
        return series
    }
}
