import ArgumentParser
import SeglabRunner

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check an experiment file and print its run count.")

    @Argument(help: "The experiment file (JSON).")
    var file: String

    func run() throws {
        let p = try prepareExperiment(file)
        let sets = p.featureSets.map { set in
            let leftOut = (set.table.report.leftOut ?? []).map { "\($0.feature): \($0.reason)" }
            return "\(set.definition.name) (\(set.matrix.rows) customers × \(set.matrix.cols) features"
                + (leftOut.isEmpty ? ")" : "; left out: \(leftOut.joined(separator: "; ")))")
        }
        writeStdout("""
        \(file): valid
        experiment: \(p.experiment.name)
        feature sets: \(sets.joined(separator: ", "))
        algorithms: \(p.experiment.algorithms.map(\.name).joined(separator: ", "))
        runs: \(p.runs.count)

        """)
    }
}
