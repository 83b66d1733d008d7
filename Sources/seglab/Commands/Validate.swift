import ArgumentParser
import SeglabRunner

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check an experiment file and print its run count.")

    @Argument(help: "The experiment file (JSON).")
    var file: String

    func run() throws {
        let p = try prepareExperiment(file)
        let sets = p.featureSets.map { "\($0.definition.name) (\($0.matrix.rows) customers × \($0.matrix.cols) features)" }
        writeStdout("""
        \(file): valid
        experiment: \(p.experiment.name)
        feature sets: \(sets.joined(separator: ", "))
        algorithms: \(p.experiment.algorithms.map(\.name).joined(separator: ", "))
        runs: \(p.runs.count)

        """)
    }
}
