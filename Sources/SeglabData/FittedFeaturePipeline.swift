import SeglabNumerics

/// A feature set fitted on one customer table: everything needed to produce the same matrix
/// for other customers (`assign`), stored in `model.json`.
///
/// The matrix is built as: numeric `columns` in order (log1p where listed), then each
/// `onehot` column expanded to one 0/1 column per category (`col=value`, categories sorted;
/// a category unseen at fit time gives all zeros, or `col=other` when the column has one),
/// then `(x − center) / scale` per column,
/// then the PCA projection if any.
public struct FittedFeaturePipeline: Codable, Sendable, Equatable {
    /// A text column and its categories, sorted; with `other`, one more column `<column>=other`
    /// for every non-empty value that is not a category (`OneHotRule`).
    public struct OneHot: Codable, Sendable, Equatable {
        public var column: String
        public var categories: [String]
        public var other: Bool?

        /// The output column names.
        var names: [String] { categories.map { "\(column)=\($0)" } + (other == true ? ["\(column)=other"] : []) }
    }

    public var featureSet: String
    public var columns: [String]
    public var log1p: [String]
    public var onehot: [OneHot]
    public var scale: FeatureSetDefinition.Scale
    /// Per design column (numeric then one-hot): subtracted, then divided by `scale`.
    public var center: [Double]
    public var scaleFactors: [Double]
    public var pca: PrincipalComponents?
    /// Columns of the output: the design columns, or `pc1`…`pcN` after PCA.
    public var featureNames: [String]
    /// All components' explained-variance ratios when PCA is used (for a scree plot).
    public var explainedVarianceRatio: [Double]?

    /// The matrix's column names as `seglab features` writes them: each design column with
    /// what was done to it (`frequency_log1p`, `recency_days_scaled`, `frequency_log1p_scaled`,
    /// `segment=a_scaled`), so scaled values never pass for raw ones; `pc1`…`pcN` after PCA.
    public var matrixColumnNames: [String] {
        guard pca == nil else { return featureNames }
        let scaled = scale == .none ? "" : "_scaled"
        return featureNames.map { name in name + (log1p.contains(name) ? "_log1p" : "") + scaled }
    }

    /// The same pipeline on new customers: their table must have the fitted columns.
    public func transform(_ table: CustomerTable) throws -> Matrix {
        var x = try design(table)
        standardize(&x)
        return pca?.project(x) ?? x
    }

    /// Where errors point: the feature set, as a JSON path.
    var place: String { "feature_sets.\(featureSet)" }

    /// The unscaled design matrix: numeric columns (log1p applied) then one-hot indicators.
    func design(_ table: CustomerTable) throws -> Matrix {
        let numeric = try columns.map { name -> Int in
            guard let j = table.numericIndex(name) else {
                throw DataError(file: place, column: name, "the customers have no numeric column '\(excerpt(name))'")
            }
            return j
        }
        let text = try onehot.map { h -> Int in
            guard let j = table.categoricalNames.firstIndex(of: h.column) else {
                throw DataError(file: place, column: h.column, "the customers have no text column '\(excerpt(h.column))'")
            }
            return j
        }
        let n = table.count
        let width = numeric.count + onehot.reduce(0) { $0 + $1.names.count }
        var out = AlignedDoubles(repeating: 0, count: n * width)
        try out.withUnsafeMutableBufferPointer { out in
            for (c, j) in numeric.enumerated() {
                let useLog = log1p.contains(columns[c])
                for i in 0 ..< n {
                    let v = table.numeric[i, j]
                    if useLog {
                        guard v > -1 else {
                            throw DataError(file: place, column: columns[c],
                                            "log1p needs values above -1, but customer '\(excerpt(table.ids[i]))' has \(v)")
                        }
                        out[i * width + c] = _log1p(v)
                    } else {
                        out[i * width + c] = v
                    }
                }
            }
            var offset = numeric.count
            for (h, j) in zip(onehot, text) {
                let slot = Dictionary(uniqueKeysWithValues: h.categories.enumerated().map { ($0.element, $0.offset) })
                for i in 0 ..< n {
                    let value = table.categorical[j][i]
                    if let k = slot[value] { out[i * width + offset + k] = 1 }
                    else if h.other == true, !value.isEmpty { out[i * width + offset + h.categories.count] = 1 }
                }
                offset += h.names.count
            }
        }
        return Matrix(rows: n, cols: width, storage: out)
    }

    /// Applies `(x − center) / scale` in place.
    func standardize(_ x: inout Matrix) {
        guard scale != .none else { return }
        let d = x.cols
        x.storage.withUnsafeMutableBufferPointer { m in
            for i in 0 ..< x.rows {
                for j in 0 ..< d { m[i * d + j] = (m[i * d + j] - center[j]) / scaleFactors[j] }
            }
        }
    }
}

extension FeatureSetDefinition.Scale: Codable {}
