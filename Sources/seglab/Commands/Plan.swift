import ArgumentParser
import SeglabRunner

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the runs an experiment file expands to.")

    @Argument(help: "The experiment file (JSON).")
    var file: String

    @Option(help: "table or json.")
    var format: PlanFormat = .table

    enum PlanFormat: String, ExpressibleByArgument { case table, json }

    func run() throws {
        let p = try prepareExperiment(file)
        switch format {
        case .json:
            let items = JSONValue.array(p.runs.map { r in
                .object([
                    ("id", .string(r.id)), ("key", .string(r.key)), ("feature_set", .string(r.featureSet.name)),
                    ("algorithm", .string(r.algorithm.name)), ("params", RunIdentity.paramsJSON(r.parameters)),
                    ("replicate", .int(r.replicate)), ("seed", .int(Int(r.seed))),
                ])
            })
            writeStdout(JSONWriter.pretty(items))
        case .table:
            let table = TextTable(header: ["id", "feature_set", "algorithm", "params", "replicate", "seed"],
                                  rows: p.runs.map { [$0.id, $0.featureSet.name, $0.algorithm.name, $0.paramsJSON, String($0.replicate), String($0.seed)] })
            writeStdout(table.text() + "\(p.runs.count) runs\n")
        }
    }
}
