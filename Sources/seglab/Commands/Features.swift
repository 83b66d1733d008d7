import ArgumentParser
import Foundation
import SeglabRunner

struct Features: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a feature set's customers as CSV: the exact matrix the algorithms see, or with --raw the cleaned, unscaled table that assign reads.",
        discussion: """
            Matrix columns are named by what was done to them: recency_days_scaled, frequency_log1p_scaled \
            (frequency_log1p when the set has scale none), pc1…pcN after PCA. With --raw: the id column \
            (customer_id, or a customers file's own id column) and the unscaled feature columns; \
            `seglab assign RUN --input` that file gives back the run's labels.
            """)

    @Argument(help: "The experiment file (JSON).")
    var file: String

    @Option(help: "The feature set's name.")
    var set: String

    @Flag(help: "Write the cleaned customers before log1p, scaling and PCA, in the format assign reads.")
    var raw = false

    @Option(help: "The CSV file to write.")
    var out: String

    func run() throws {
        let p = try prepareExperiment(file)
        guard let fs = p.featureSets.first(where: { $0.definition.name == set }) else {
            throw UsageError("\(file): no feature set named '\(set)' (have: \(p.featureSets.map(\.definition.name).joined(separator: ", ")))")
        }
        let bytes = raw ? FeatureCSV.rawBytes(fs, source: p.experiment.data) : FeatureCSV.bytes(fs)
        guard FileManager.default.createFile(atPath: out, contents: Data(bytes)) else {
            throw UsageError("cannot write \(out)")
        }
        let columns = raw ? fs.unscaledColumns + fs.definition.onehot : fs.pipeline.matrixColumnNames
        Log.info("wrote \(out): \(fs.matrix.rows) customers × \(columns.count) \(raw ? "unscaled columns" : "features") (\(columns.joined(separator: ", ")))")
    }
}
