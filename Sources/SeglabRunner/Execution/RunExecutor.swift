import Dispatch
import Foundation
import SeglabLedger
import SeglabClustering
import SeglabData
import SeglabMetrics
import SeglabNumerics

/// What one run produced.
public struct RunOutcome: Sendable {
    public var labels: [Int]
    /// SPEC §4 metric names; nil where undefined.
    public var metrics: [String: Double?]
    public var notes: [String]
    public var clusterSizes: [(cluster: Int, size: Int)]
    public var artifacts: RunArtifacts

    /// What the ledger commits for this outcome once its artifacts are written to `resultsDir`.
    public func completedRun(id: String, started: Date, datasetSHA256: String, resultsDir: String,
                             written: [ArtifactStore.Written]) -> CompletedRun {
        CompletedRun(id: id, finishedAt: Timestamp.now(), durationS: Date().timeIntervalSince(started),
                     datasetSHA256: datasetSHA256, codeVersion: SeglabVersion.string, resultsDir: resultsDir,
                     metrics: metrics, clusters: clusterSizes.map { ClusterRecord(cluster: $0.cluster, size: $0.size) },
                     artifacts: written.map(\.record))
    }
}

/// Computes one run: fit, metrics, artifact bytes. A pure function of the run and its
/// prepared feature set, except the `fit_seconds` metric (which never enters an artifact).
public enum RunExecutor {
    public static func execute(_ run: PlannedRun, on set: PreparedFeatureSet, context: FitContext) throws -> RunOutcome {
        try execute(run, run.algorithm, on: set, context: context)
    }

    private static func execute<A: ClusteringAlgorithm>(_ run: PlannedRun, _ type: A.Type, on set: PreparedFeatureSet,
                                                          context: FitContext) throws -> RunOutcome {
        let algorithm = try A(parameters: run.parameters)
        var fitRNG = Xoshiro256StarStar(seed: run.seed, stream: "fit")
        let start = DispatchTime.now().uptimeNanoseconds
        let fit = try algorithm.fit(set.matrix, rng: &fitRNG, context: context)
        let fitSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

        try context.checkStop()
        let report = MetricSuite.evaluate(x: set.matrix, labels: fit.labels, truth: set.truth,
                                          silhouetteRows: set.silhouetteRows)
        var metrics: [String: Double?] = [:]
        for (name, value) in fit.metrics where MetricCatalog.direction(of: name) != nil {
            metrics[name] = value.isFinite ? value : nil
        }
        for (name, value) in report.values { metrics[name] = value }
        metrics["fit_seconds"] = fitSeconds
        var notes = fit.notes + report.notes
        if let latent = fit.latent {
            // The same labels and silhouette rows, scored in the model's own space.
            let inner = MetricSuite.evaluate(x: latent, labels: fit.labels, truth: nil, silhouetteRows: set.silhouetteRows)
            for name in MetricSuite.geometric {
                metrics[name + MetricCatalog.latentSuffix] = inner.values[name] ?? nil
                notes += inner.notes.filter { $0.hasPrefix(name + ":") }.map { name + MetricCatalog.latentSuffix + String($0.dropFirst(name.count)) }
            }
        }

        var files: [(name: String, bytes: [UInt8])] = [
            ("labels.csv", ArtifactBuilder.labelsCSV(ids: set.table.ids, labels: fit.labels)),
            ("model.json", try ArtifactBuilder.modelJSON(run, table: set.table, pipeline: set.pipeline, model: fit.model)),
            ("profile.csv", Profile(table: set.table, columns: set.unscaledColumns, labels: fit.labels, actions: run.actions).csv),
            ("run.json", ArtifactBuilder.runJSON(run)),
        ]
        for extra in fit.artifacts {
            precondition(!files.contains { $0.name == extra.name }, "\(A.name) writes a second \(extra.name)")
            files.append((extra.name, extra.bytes))
        }
        return RunOutcome(labels: fit.labels, metrics: metrics, notes: notes,
                          clusterSizes: report.clusterSizes, artifacts: RunArtifacts(files: files))
    }
}
