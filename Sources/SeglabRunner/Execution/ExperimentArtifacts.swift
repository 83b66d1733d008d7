import SeglabData

/// Experiment-level artifacts: what loading and cleaning did (`data_report.json`), each
/// feature set's columns, matrix hash and PCA explained variance (`feature_sets.json`, the
/// report's scree plot), and the product categories of a tables source that declares them
/// (`product_categories.csv`).
enum ExperimentArtifacts {
    static func files(_ p: PreparedExperiment) throws -> [(name: String, bytes: [UInt8])] {
        let report = JSONValue.object([
            ("dataset_sha256", .string(p.datasetSHA256)),
            ("feature_sets", .object(try p.featureSets.map { set in
                (set.definition.name, try ArtifactBuilder.encodeJSON(set.table.report))
            })),
        ])
        let sets = JSONValue.object(p.featureSets.map { set in
            var m: [(key: String, value: JSONValue)] = [
                ("columns", .array(set.resolvedColumns.map { .string($0) })),
                // As the header of `seglab features`: scaled columns say so.
                ("features", .array(set.pipeline.matrixColumnNames.map { .string($0) })),
                ("customers", .int(set.matrix.rows)),
                ("matrix_sha256", .string(set.matrixSHA256)),
            ]
            if let ratios = set.pipeline.explainedVarianceRatio {
                m.append(("explained_variance_ratio", .array(ratios.map { .real($0) })))
            }
            return (set.definition.name, .object(m))
        })
        var files = [("data_report.json", Array(JSONWriter.pretty(report).utf8)),
                     ("feature_sets.json", Array(JSONWriter.pretty(sets).utf8))]
        // Fitted once per experiment, so every feature set's table has the same ones.
        if let categories = p.featureSets.first?.table.productCategories {
            files.append((ProductCategoriesCSV.name, ProductCategoriesCSV.bytes(categories)))
        }
        return files
    }
}
