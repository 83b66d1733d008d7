import SeglabCharts
import SeglabRunner

/// The experiment's charts: quality against balance over every run, and per algorithm the
/// elbow (knee marked), silhouette and Davies–Bouldin against k, and a heat map over two axes.
enum ExperimentCharts {
    static let silhouetteAxis = AxisSpec("Silhouette", unit: "−1 to 1, higher is better")

    /// Silhouette against the smallest cluster's share, one colour per algorithm, with the
    /// Pareto front (no other run has both a higher silhouette and a larger smallest cluster).
    static func qualityBalance(_ data: ExperimentData, chosen: String?) -> ReportChart? {
        let runs = data.completedRuns.filter { $0.metrics["silhouette"] != nil && $0.metrics["min_cluster_share"] != nil }
        guard !runs.isEmpty else { return nil }
        func point(_ r: RunData) -> ChartPoint { ChartPoint(x: r.metrics["silhouette"]!, y: r.metrics["min_cluster_share"]!) }
        let groups = data.algorithms.map { a in ScatterChart.Group(name: a, points: runs.filter { $0.algorithm == a }.map(point)) }
            .filter { !$0.points.isEmpty }
        let annotations = runs.first { $0.id == chosen }.map { [Annotation("chosen run \($0.id)", at: point($0))] } ?? []
        let chart = ScatterChart(
            title: "Quality against balance: every completed run", x: silhouetteAxis,
            y: AxisSpec("Smallest cluster share", unit: "of customers", style: .percent),
            groups: groups, front: ParetoFront.points(runs.map(point)), annotations: annotations, pointRadius: 4,
            legendTitle: "Algorithm", size: .wide,
            description: "Each point is a run; runs on the dashed Pareto front are beaten by no other run on both axes.")
        return ReportChart("quality-balance", chart,
                           caption: "Each point is a completed run. The dashed line is the Pareto front: no run is better on both silhouette and smallest-cluster share than a run on it.")
    }

    /// The charts of one algorithm, in page order.
    static func algorithm(_ view: AlgorithmView, featureSets: [String]) -> [ReportChart] {
        var charts: [ReportChart] = []
        let name = view.name
        for (set, points) in view.bestPerK("inertia", higherIsBetter: false, featureSets: featureSets) {
            let ps = points.map { ChartPoint(x: Double($0.k), y: $0.value) }
            let knee = KneeDetector.kneeIndex(x: ps.map(\.x), y: ps.map(\.y), shape: .convexDecreasing)
            let chart = LineChart(
                title: "\(name) on \(set): inertia against k (elbow)",
                x: AxisSpec("k", unit: "clusters", integerTicks: true), y: AxisSpec("Inertia", unit: "sum of squared distances"),
                series: [.init(name: set, points: ps)],
                annotations: knee.map { [Annotation("knee: k = \(points[$0].k)", at: ps[$0])] } ?? [])
            charts.append(ReportChart("\(name)-\(set)-elbow", chart, caption: knee.map {
                "Lowest inertia of each k. Kneedle puts the knee (where adding clusters stops paying) at k = \(points[$0].k)."
            } ?? "Lowest inertia of each k; Kneedle finds no knee in this curve."))
        }
        let perK: [(metric: String, axis: AxisSpec, higher: Bool, file: String, title: String)] = [
            ("silhouette", silhouetteAxis, true, "silhouette", "silhouette"),
            ("davies_bouldin", AxisSpec("Davies–Bouldin index", unit: "lower is better"), false, "davies-bouldin", "Davies–Bouldin"),
        ]
        for m in perK {
            let series = view.bestPerK(m.metric, higherIsBetter: m.higher, featureSets: featureSets).map { set, points in
                LineChart.Series(name: set, points: points.map { ChartPoint(x: Double($0.k), y: $0.value) })
            }
            guard !series.isEmpty else { continue }
            let chart = LineChart(title: "\(name): \(m.title) against k (best run per k)",
                                  x: AxisSpec("k", unit: "clusters", integerTicks: true), y: m.axis, series: series)
            let perSet = series.count > 1 ? ", one line per feature set" : ""
            charts.append(ReportChart("\(name)-\(m.file)-k", chart,
                                      caption: "The best \(m.title) of each k over the other grid axes\(perSet)."))
        }
        if let map = view.heatMap("silhouette", higherIsBetter: true) {
            let chart = HeatMap(
                title: "\(name): best silhouette across \(map.rows.name) and \(map.columns.name)",
                rowLabels: map.rows.values.map(RunData.text), columnLabels: map.columns.values.map(RunData.text),
                values: map.cells, rowTitle: map.rows.name, columnTitle: map.columns.name, colorLabel: "Silhouette",
                valueDecimals: 3)
            charts.append(ReportChart("\(name)-heatmap", chart,
                                      caption: "Each cell is the best silhouette among the runs with that \(map.rows.name) and \(map.columns.name); grey: no completed run."))
        }
        return charts
    }
}
