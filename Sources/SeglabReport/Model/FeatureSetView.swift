import SeglabData
import SeglabRunner

/// A feature set as the report draws it: the correlations of its columns and how much of the
/// variance each principal component explains, from the set rebuilt through the planner.
struct FeatureSetView: Sendable {
    var name: String
    /// The set's numeric columns (resolved), unscaled.
    var columns: [String]
    /// Pearson correlation of the cleaned, unscaled columns (as the data has them, before
    /// `log1p` and scaling); NaN where a column is constant.
    var correlation: [[Double]]
    /// Explained-variance ratio of every principal component of the scaled matrix before any
    /// PCA (`feature_sets.json`'s for a set with PCA; computed the same way for the others).
    var explainedVariance: [Double]
    /// Components the set keeps (nil: no PCA in the set).
    var keptComponents: Int?
    var customers: Int

    init(_ set: PreparedFeatureSet) throws {
        name = set.definition.name
        columns = set.resolvedColumns
        correlation = Self.pearson(set.table, columns: columns)
        if let ratios = set.pipeline.explainedVarianceRatio {
            explainedVariance = ratios
            keptComponents = set.pipeline.pca?.components.count
        } else {
            let m = set.matrix
            explainedVariance = try PrincipalComponents.fit(m, choice: .components(min(m.rows, m.cols)), place: name).ratios
            keptComponents = nil
        }
        customers = set.table.count
    }

    /// Pearson correlation matrix of `columns` over every customer (sums in row order).
    static func pearson(_ table: CustomerTable, columns: [String]) -> [[Double]] {
        let index = columns.map { table.numericNames.firstIndex(of: $0)! }
        let d = index.count, n = table.count
        var mean = [Double](repeating: 0, count: d)
        for i in 0 ..< n { for (k, j) in index.enumerated() { mean[k] += table.numeric[i, j] } }
        mean = mean.map { $0 / Double(n) }
        var cross = [Double](repeating: 0, count: d * d)
        var centred = [Double](repeating: 0, count: d)
        for i in 0 ..< n {
            for (k, j) in index.enumerated() { centred[k] = table.numeric[i, j] - mean[k] }
            for a in 0 ..< d { for b in a ..< d { cross[a * d + b] += centred[a] * centred[b] } }
        }
        return (0 ..< d).map { a in
            (0 ..< d).map { b in
                let (p, q) = (min(a, b), max(a, b))
                let denominator = (cross[p * d + p] * cross[q * d + q]).squareRoot()
                return denominator > 0 ? cross[p * d + q] / denominator : .nan
            }
        }
    }
}
