import SeglabCharts
import SeglabRunner

/// The chosen run's charts: segment sizes, segment profiles (radar of z-scores), its
/// customers on the first two principal components and in t-SNE coordinates, and the
/// training loss of a model that records one.
enum RunCharts {
    static func charts(_ view: SegmentView) -> [ReportChart] {
        let p = view.profile
        let colors = SegmentStyle.colors(p)
        let id = view.run.id
        var charts: [ReportChart] = []
        let bars = zip(p.clusters, colors).map { c, color in
            BarChart.Bar(label: SegmentStyle.label(c), value: Double(c.size), color: color,
                         valueLabel: "\(NumberText.count(c.size)) (\(NumberText.share(c.share)))")
        }
        charts.append(ReportChart("run-\(id)-sizes", BarChart(title: "Segment sizes", bars: bars, category: "Segment",
                                                              value: AxisSpec("Customers", unit: "count"), size: .wide),
                                  caption: "Customers per segment, with their share of all customers."))
        let segments = zip(p.clusters, colors).filter { $0.0.cluster != -1 }
        if p.columns.count >= 3 && !segments.isEmpty {
            let radar = RadarChart(title: "Segment profiles (z-scores)", axes: p.columns,
                                   series: segments.map { RadarChart.Series(name: SegmentStyle.label($0), values: $0.zScores, color: $1) },
                                   size: .wide)
            charts.append(ReportChart("run-\(id)-radar", radar,
                                      caption: "Each segment's mean of every feature, in standard deviations from the average customer (the bold ring is 0)."))
        }
        func scatter(_ groups: [[ChartPoint]], title: String, x: AxisSpec, y: AxisSpec) -> ScatterChart {
            ScatterChart(title: title, x: x, y: y,
                         groups: zip(p.clusters, zip(groups, colors)).map { ScatterChart.Group(name: SegmentStyle.label($0), points: $1.0, color: $1.1) },
                         pointRadius: 2.2, pointOpacity: 0.7, legendTitle: "Segment", size: .wide)
        }
        let sample = view.sampled < view.customers
            ? "A seeded sample of \(NumberText.count(view.sampled)) of the \(NumberText.count(view.customers)) customers"
            : "All \(NumberText.count(view.customers)) customers"
        if let pca = view.pca, let (v1, v2) = view.pcaVariance {
            charts.append(ReportChart("run-\(id)-pca", scatter(pca, title: "Customers on the first two principal components",
                                                               x: AxisSpec("PC1", unit: "\(NumberText.share(v1)) of variance"),
                                                               y: AxisSpec("PC2", unit: "\(NumberText.share(v2)) of variance")),
                                      caption: "\(sample), projected on the first two principal components of the matrix the algorithm saw, coloured by segment."))
        }
        if let tsne = view.tsne {
            charts.append(ReportChart("run-\(id)-tsne", scatter(tsne, title: "Customers in t-SNE coordinates",
                                                                x: AxisSpec("t-SNE 1", unit: "arbitrary units"), y: AxisSpec("t-SNE 2", unit: "arbitrary units")),
                                      caption: "\(sample), embedded by t-SNE (perplexity 30, PCA start; KL divergence \(NumberText.value(view.tsneKL))): near points are similar customers; distances between groups mean little."))
        }
        for (stage, points) in view.loss {
            let chart = LineChart(title: "Training loss: \(stage)", x: AxisSpec("Epoch", unit: "passes over the data", integerTicks: true),
                                  y: AxisSpec("Loss", unit: "mean per epoch"), series: [.init(name: stage, points: points)],
                                  showPoints: points.count <= 60)
            charts.append(ReportChart("run-\(id)-loss-\(stage)", chart, caption: "The \(stage) loss per epoch, from the run's loss.csv."))
        }
        return charts
    }
}
