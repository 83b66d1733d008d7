import Foundation
import SeglabLedger
import SeglabRunner

/// `seglab report`: one self-contained HTML page about an experiment (inline SVG and CSS, no
/// script, no network) and every chart as an SVG file of its own.
///
///     let report = try Report.build(ledger: ledger, experiment: "quickstart", run: nil)
///     try report.write(to: "report")   // report/index.html, report/charts/*.svg
///
/// What the ledger cannot give (the customers' matrix for PCA, t-SNE and correlations) is
/// rebuilt from a run's recipe through the same parser and planner as `rerun`. The bytes are
/// a pure function of the ledger's content and the input data: no clock, no absolute path,
/// everything sorted, the sample and t-SNE seeded from the chosen run's seed.
public struct Report: Sendable {
    public var experiment: String
    /// The run whose segments the report shows (nil: no completed run).
    public var chosenRun: String?
    /// Relative path (`index.html`, `charts/<name>.svg`) and bytes, page first, then charts by name.
    public var files: [(path: String, bytes: [UInt8])]
    /// What could not be shown, and why (also listed on the page).
    public var problems: [String]

    /// The folder a report goes to when `--out` is not given, under the results folder the
    /// runs were written to (`seglab serve` answers `GET /runs/{id}/report` from these):
    /// `<results>/<experiment>/report/` for an experiment's report, and
    /// `<results>/<experiment>/<run-id>/report/` for a report chosen with `--run`.
    /// `ledger check` leaves this folder alone.
    public static let folderName = LedgerCheck.reportFolder

    /// Builds the report of `experiment` (nil: the experiment of `run`, else the ledger's most
    /// recently created experiment), showing the segments of `run` (nil: the leaderboard's best).
    public static func build(ledger: Ledger, experiment: String?, run: String?) throws -> Report {
        let name = try experimentName(ledger: ledger, experiment: experiment, run: run)
        let data = try ExperimentData(ledger: ledger, experiment: name)
        if let run, !data.runs.contains(where: { $0.id == run }) {
            throw ReportError("run \(run) is not listed by experiment \(name)")
        }
        let chosenID = run ?? data.leaderboard.first?.runID
        var problems: [String] = []

        // Rebuilt once per feature set, from a completed run's recipe (the chosen run's, for its set).
        var prepared: [String: (details: RunDetails, planned: PlannedRun, set: PreparedFeatureSet)] = [:]
        for set in data.featureSets {
            let representative = data.completedRuns.first { $0.id == chosenID && $0.featureSet == set }
                ?? data.completedRuns.first { $0.featureSet == set }!
            do {
                guard let details = try ledger.run(id: representative.id) else { continue }
                let (p, planned) = try Rerun.prepare(details)
                prepared[set] = (details, planned, p.featureSet(for: planned))
            } catch {
                problems.append("feature set \(set): the data could not be rebuilt from run \(representative.id)'s recipe: \(error)")
            }
        }

        var segments: (view: SegmentView, charts: [ReportChart])?
        if let chosenID, let chosen = data.runs.first(where: { $0.id == chosenID }) {
            guard chosen.completed else { throw ReportError("run \(chosenID) is \(chosen.record.status.rawValue): it has no segments to show") }
            if let p = prepared[chosen.featureSet], p.details.run.id == chosenID {
                do {
                    let view = try SegmentView(run: chosen, details: p.details, planned: p.planned, set: p.set)
                    segments = (view, RunCharts.charts(view))
                } catch {
                    problems.append("run \(chosenID): its segments could not be drawn: \(error)")
                }
            }
        }
        let featureSets = try data.featureSets.compactMap { set -> (view: FeatureSetView, charts: [ReportChart])? in
            guard let p = prepared[set] else { return nil }
            let view = try FeatureSetView(p.set)
            return (view, FeatureSetCharts.charts(view))
        }
        let algorithms = data.algorithms.map { a -> (view: AlgorithmView, charts: [ReportChart]) in
            let view = AlgorithmView(name: a, runs: data.completedRuns.filter { $0.algorithm == a })
            return (view, ExperimentCharts.algorithm(view, featureSets: data.featureSets))
        }
        let qualityBalance = ExperimentCharts.qualityBalance(data, chosen: segments?.view.run.id)
        let page = ReportPage(data: data, algorithms: algorithms, featureSets: featureSets, qualityBalance: qualityBalance,
                              segments: segments, problems: problems)

        let charts = ([qualityBalance].compactMap { $0 } + algorithms.flatMap(\.charts) + featureSets.flatMap(\.charts)
                      + (segments?.charts ?? [])).sorted { $0.file < $1.file }
        for (a, b) in zip(charts, charts.dropFirst()) where a.file == b.file {
            throw ReportError("two charts would both be written to charts/\(a.file); rename a feature set or algorithm")
        }
        return Report(experiment: name, chosenRun: segments?.view.run.id, files:
                        [("index.html", Array(page.html.utf8))] + charts.map { ("charts/\($0.file)", Array($0.svg.utf8)) },
                      problems: problems)
    }

    /// Writes the files under `directory` (created as needed); SVG files of an earlier report
    /// left in `charts/` that this one does not have are removed, so the folder holds exactly
    /// this report.
    public func write(to directory: String) throws {
        let fm = FileManager.default
        let charts = (directory as NSString).appendingPathComponent("charts")
        do {
            try fm.createDirectory(atPath: charts, withIntermediateDirectories: true)
            let keep = Set(files.map { ($0.path as NSString).lastPathComponent })
            for old in try fm.contentsOfDirectory(atPath: charts) where old.hasSuffix(".svg") && !keep.contains(old) {
                try fm.removeItem(atPath: (charts as NSString).appendingPathComponent(old))
            }
            for (path, bytes) in files {
                try Data(bytes).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(path)), options: .atomic)
            }
        } catch {
            throw ReportError("cannot write the report in \(directory): \(error.localizedDescription)")
        }
    }

    /// Where the report goes without `--out` (see `folderName`): under the results folder that
    /// holds the experiment's runs (two levels above a run's `results_dir`).
    public static func defaultDirectory(ledger: Ledger, experiment: String, run: String?) throws -> String {
        let id = try run ?? ledger.runs(RunQuery(experiment: experiment)).first { $0.resultsDir != nil }?.id
        guard let id, let dir = try ledger.run(id: id)?.run.resultsDir else {
            throw ReportError("no run of experiment \(experiment) has written results yet: give --out DIR")
        }
        let runFolder = URL(fileURLWithPath: dir)
        let base = run == nil
            ? runFolder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(experiment)
            : runFolder
        return base.appendingPathComponent(folderName).path
    }

    /// The experiment to report: the one given, else the run's, else the most recently created.
    static func experimentName(ledger: Ledger, experiment: String?, run: String?) throws -> String {
        if let experiment { return experiment }
        if let run {
            guard let details = try ledger.run(id: run) else { throw ReportError("no run \(run) in the ledger") }
            return details.experiments.contains(details.run.experiment) ? details.run.experiment : details.experiments.first ?? details.run.experiment
        }
        let all = try ledger.experiments()
        guard let latest = all.max(by: { ($0.createdAt, $0.name) < ($1.createdAt, $1.name) }) else {
            throw ReportError("the ledger has no experiment yet: run one first")
        }
        return latest.name
    }
}

/// A report that cannot be made, in words.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
