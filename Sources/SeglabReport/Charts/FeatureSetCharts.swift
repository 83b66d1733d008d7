import SeglabCharts

/// A feature set's charts: the PCA scree plot and the correlations of its columns.
enum FeatureSetCharts {
    static func charts(_ view: FeatureSetView) -> [ReportChart] {
        let kept = view.keptComponents.map { " The set keeps the first \($0)." } ?? ""
        return [
            ReportChart("\(view.name)-scree", ScreePlot(title: "\(view.name): PCA scree plot", ratios: view.explainedVariance),
                        caption: "Share of the scaled matrix's variance each principal component explains, and the running total.\(kept)"),
            ReportChart("\(view.name)-correlation",
                        HeatMap.correlation(title: "\(view.name): feature correlations", labels: view.columns, matrix: view.correlation),
                        caption: "Pearson correlation of the cleaned, unscaled features over all \(NumberText.count(view.customers)) customers."),
        ]
    }
}
