import ArgumentParser
import Foundation
import SeglabRunner

struct Features: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the exact matrix the algorithms see for a feature set, as CSV.")

    @Argument(help: "The experiment file (JSON).")
    var file: String

    @Option(help: "The feature set's name.")
    var set: String

    @Option(help: "The CSV file to write.")
    var out: String

    func run() throws {
        let p = try prepareExperiment(file)
        guard let fs = p.featureSets.first(where: { $0.definition.name == set }) else {
            throw UsageError("\(file): no feature set named '\(set)' (have: \(p.featureSets.map(\.definition.name).joined(separator: ", ")))")
        }
        let bytes = FeatureCSV.bytes(fs)
        guard FileManager.default.createFile(atPath: out, contents: Data(bytes)) else {
            throw UsageError("cannot write \(out)")
        }
        Log.info("wrote \(out): \(fs.matrix.rows) customers × \(fs.matrix.cols) features (\(fs.pipeline.featureNames.joined(separator: ", ")))")
    }
}
