import SeglabNumerics

/// Fits a feature set (SPEC §1 `feature_sets`) on a customer table and returns the exact
/// matrix the algorithms see.
///
/// Scaling follows scikit-learn: `standard` centres on the mean and divides by the population
/// standard deviation (a constant column keeps scale 1, as `StandardScaler`); `minmax` maps
/// [min, max] to [0, 1]; `robust` centres on the median and divides by the interquartile
/// range (NumPy's linear interpolation, as `RobustScaler`); a zero range or IQR keeps scale 1.
///
///     let (pipeline, x) = try FeaturePipeline.fit(definition, on: table)
///     let y = try pipeline.transform(newCustomers)
public enum FeaturePipeline {
    public static func fit(_ definition: FeatureSetDefinition, on table: CustomerTable) throws -> (FittedFeaturePipeline, Matrix) {
        let place = "feature_sets.\(definition.name)"
        guard table.count > 0 else { throw DataError(file: place, "there are no customers to fit the feature set on") }
        let columns = definition.columns ?? table.numericNames
        for name in columns where table.numericIndex(name) == nil {
            let why = table.categoricalNames.contains(name)
                ? "is a text column (e.g. '\(excerpt(table.categorical[table.categoricalNames.firstIndex(of: name)!].first { !$0.isEmpty } ?? ""))'); list it under onehot instead"
                : "is not a candidate feature; candidates: \(excerptList(table.numericNames))"
            throw DataError(file: place, column: name, why)
        }
        for name in definition.log1p where !columns.contains(name) {
            throw DataError(file: place, column: name, "log1p names a column that is not in columns")
        }
        let onehot = try definition.onehot.map { name -> FittedFeaturePipeline.OneHot in
            guard let j = table.categoricalNames.firstIndex(of: name) else {
                throw DataError(file: place, column: name, "onehot needs a text column of the customers file")
            }
            guard let rule = table.oneHotRules[name] else { return .init(column: name, categories: Set(table.categorical[j]).sorted()) }
            return oneHot(name, table.categorical[j], rule)
        }
        guard !columns.isEmpty || !onehot.isEmpty else { throw DataError(file: place, "the feature set has no columns") }

        var fitted = FittedFeaturePipeline(
            featureSet: definition.name, columns: columns, log1p: definition.log1p.filter { columns.contains($0) },
            onehot: onehot, scale: definition.scale, center: [], scaleFactors: [], pca: nil,
            featureNames: columns + onehot.flatMap(\.names),
            explainedVarianceRatio: nil)
        var x = try fitted.design(table)
        try checkFinite(x, fitted.featureNames, table.ids, place: place, "is out of range")
        (fitted.center, fitted.scaleFactors) = scaling(definition.scale, x)
        for (j, name) in fitted.featureNames.enumerated() where !(fitted.center[j].isFinite && fitted.scaleFactors[j].isFinite) {
            throw DataError(file: place, column: name, "the values are too large to scale \(definition.scale.rawValue) (their sum or variance is beyond ±1.8e308)")
        }
        fitted.standardize(&x)
        if let choice = definition.pca {
            let (pca, ratios) = try PrincipalComponents.fit(x, choice: choice, place: place)
            fitted.pca = pca
            fitted.explainedVarianceRatio = ratios
            fitted.featureNames = (1 ... pca.components.count).map { "pc\($0)" }
            x = pca.project(x)
        }
        try checkFinite(x, fitted.featureNames, table.ids, place: place, "is out of range after scaling")
        return (fitted, x)
    }

    /// The levels of a text column under its rule (`OneHotRule`): the non-empty values held by
    /// at least `minShare` of the customers; the others (and a value spelled `other`) share
    /// the `other` column.
    private static func oneHot(_ name: String, _ values: [String], _ rule: OneHotRule) -> FittedFeaturePipeline.OneHot {
        var counts: [String: Int] = [:]
        for v in values where !v.isEmpty { counts[v, default: 0] += 1 }
        guard let minShare = rule.minShare else { return .init(column: name, categories: counts.keys.sorted()) }
        let cut = minShare * Double(values.count)
        let kept = counts.filter { Double($0.value) >= cut && $0.key != "other" }.keys.sorted()
        return .init(column: name, categories: kept, other: kept.count < counts.count ? true : nil)
    }

    /// A value beyond ±1.8e308 (a feature that overflowed, e.g. a sum of huge line values) is
    /// bad input naming the customer, never a NaN handed to an algorithm.
    private static func checkFinite(_ x: Matrix, _ names: [String], _ ids: [String], place: String, _ what: String) throws {
        for i in 0 ..< x.rows {
            for j in 0 ..< x.cols where !x[i, j].isFinite {
                throw DataError(file: place, column: names[j], "customer '\(excerpt(ids[i]))' \(what) (\(x[i, j]))")
            }
        }
    }

    /// Per-column center and scale of `kind` on the design matrix.
    static func scaling(_ kind: FeatureSetDefinition.Scale, _ x: Matrix) -> (center: [Double], scale: [Double]) {
        let d = x.cols, n = Double(x.rows)
        let tiny = 10 * Double.ulpOfOne  // scikit-learn's _handle_zeros_in_scale
        switch kind {
        case .none:
            return ([Double](repeating: 0, count: d), [Double](repeating: 1, count: d))
        case .standard:
            let mean = PrincipalComponents.columnMeans(x)
            let scale = (0 ..< d).map { j -> Double in
                var s = 0.0
                for i in 0 ..< x.rows { let c = x[i, j] - mean[j]; s += c * c }
                let variance = s / n
                guard variance.isFinite else { return .infinity }  // overflowed: refused by `fit`
                // scikit-learn's _is_constant_feature: variance within rounding of zero.
                let eps = Double.ulpOfOne
                let bound = n * eps * variance + (n * mean[j] * eps) * (n * mean[j] * eps)
                return variance <= bound ? 1 : variance.squareRoot()
            }
            return (mean, scale)
        case .minmax:
            let columns = (0 ..< d).map { x.column($0) }
            let low = columns.map { $0.min()! }
            let range = zip(columns, low).map { $0.max()! - $1 }
            return (low, range.map { $0 < tiny ? 1 : $0 })
        case .robust:
            let sorted = (0 ..< d).map { x.column($0).sorted() }
            let median = sorted.map { Quantile.of(sorted: $0, 0.5) }
            let iqr = sorted.map { Quantile.of(sorted: $0, 0.75) - Quantile.of(sorted: $0, 0.25) }
            return (median, iqr.map { $0 < tiny ? 1 : $0 })
        }
    }
}
