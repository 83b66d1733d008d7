import ArgumentParser
import Foundation
import SeglabLedger
import SeglabReport
import SeglabRunner

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a self-contained HTML report (inline SVG charts, no script) with every chart also as an SVG file.",
        discussion: """
        Without --experiment, the report covers the experiment of --run, or else the ledger's most recently created \
        experiment. Without --run, it shows the segments of the leaderboard's best run (by silhouette). Without --out, \
        it goes to <results>/<experiment>/report/ (with --run: <results>/<experiment>/<run-id>/report/), where \
        `seglab serve` finds it.
        """)

    @Option(help: "The experiment to report on.")
    var experiment: String?

    @Option(name: .customLong("run"), help: "The run whose segments to show (an id or a unique prefix of one).")
    var chosenRun: String?

    @Option(help: "The folder to write index.html and charts/ to.")
    var out: String?

    @OptionGroup var ledgerOption: LedgerOption

    func run() throws {
        let ledger = try ledgerOption.openExisting()
        let names = try ledger.recordedNames()
        try LedgerLookup.requireKnown(experiment, among: names.experiments, kind: "experiment", ledger: ledger.path)
        let runID = try chosenRun.map { try LedgerLookup.runID($0, in: ledger) }
        let report: SeglabReport.Report
        do { report = try SeglabReport.Report.build(ledger: ledger, experiment: experiment, run: runID) } catch let e as ReportError {
            throw UsageError(e.description)
        }
        let folder = try out ?? SeglabReport.Report.defaultDirectory(ledger: ledger, experiment: report.experiment, run: runID)
        try report.write(to: folder)
        for problem in report.problems { Log.warning(problem) }
        let index = (folder as NSString).appendingPathComponent("index.html")
        Log.info("report of experiment \(report.experiment)\(report.chosenRun.map { ", segments of run \($0)" } ?? ""): "
            + "\(index) and \(report.files.count - 1) charts in \((folder as NSString).appendingPathComponent("charts"))")
    }
}
