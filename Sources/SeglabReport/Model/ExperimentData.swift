import Foundation
import SeglabLedger
import SeglabMetrics
import SeglabRunner

/// What the report says about one experiment, read from the ledger and the experiment-level
/// artifacts it names: the grid, every run it lists with its metrics, the data report, the
/// leaderboard (the library's ranking, as `seglab leaderboard`) and the replicates' stability.
struct ExperimentData: Sendable {
    var record: ExperimentRecord
    /// The experiment file as last run, parsed (its grid); nil if this build cannot parse it.
    var experiment: Experiment?
    /// Every run the experiment lists, by id.
    var runs: [RunData]
    /// `data_report.json`, if still on disk.
    var dataReport: JSONValue?
    /// Completed runs ranked by silhouette, as `seglab leaderboard --experiment NAME`.
    var leaderboard: [LeaderboardRow]
    /// The best run of each algorithm, as `--best-per algorithm`.
    var bestPerAlgorithm: [LeaderboardRow]
    /// Runs whose configuration has two or more completed replicates.
    var stability: [String: ReplicateStability.Value]

    /// The ranking the report follows: the leaderboard's default.
    static let metric = "silhouette"

    init(ledger: Ledger, experiment name: String) throws {
        guard let details = try ledger.experiment(named: name) else { throw LedgerError.unknownExperiment(name: name) }
        record = details.experiment
        experiment = try? ExperimentParser.parse(bytes: Array(record.specJSON.utf8), file: "the ledger's experiment \(name)",
                                                 directory: "/")
        runs = try ledger.runs(RunQuery(experiment: name)).sorted { $0.id < $1.id }.map { r in
            let metrics = r.status == .completed ? (try ledger.run(id: r.id)?.metrics ?? []) : []
            var values: [String: Double] = [:]
            for m in metrics { if let v = m.value { values[m.name] = v } }
            let params: [(key: String, value: JSONValue)]
            if case .object(let members)? = try? JSONParser.parse(Array(r.paramsJSON.utf8)) { params = members } else { params = [] }
            return RunData(record: r, metrics: values, params: params)
        }
        dataReport = details.artifacts.first { $0.name == "data_report.json" }
            .flatMap { FileManager.default.contents(atPath: $0.path) }
            .flatMap { try? JSONParser.parse([UInt8]($0)) }
        let higher = MetricCatalog.direction(of: Self.metric) == .higherIsBetter
        leaderboard = try ledger.leaderboard(LeaderboardQuery(metric: Self.metric, higherIsBetter: higher, experiment: name))
        bestPerAlgorithm = try ledger.leaderboard(LeaderboardQuery(metric: Self.metric, higherIsBetter: higher, experiment: name,
                                                                   bestPer: "algorithm"))
        stability = try ReplicateStability.of(runIDs: leaderboard.map(\.runID), ledger: ledger)
    }

    var completedRuns: [RunData] { runs.filter(\.completed) }

    /// Parameters with one value in every run of the experiment, as "name=value", sorted: the
    /// tables leave them out and say them once.
    var sharedParams: [(name: String, text: String)] {
        guard let first = runs.first else { return [] }
        return first.params.filter { p in runs.allSatisfy { $0.param(p.key) == p.value } }
            .map { ($0.key, RunData.text($0.value)) }
    }

    /// Algorithms with a completed run, in the order the experiment declares them (then by name).
    var algorithms: [String] {
        let declared = experiment?.algorithms.map(\.name) ?? []
        let present = Set(completedRuns.map(\.algorithm))
        return declared.filter(present.contains) + present.subtracting(declared).sorted()
    }

    /// Feature sets with a completed run, in declaration order (then by name).
    var featureSets: [String] {
        let declared = experiment?.featureSets.map(\.name) ?? []
        let present = Set(completedRuns.map(\.featureSet))
        return declared.filter(present.contains) + present.subtracting(declared).sorted()
    }
}
