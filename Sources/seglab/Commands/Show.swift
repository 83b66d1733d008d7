import ArgumentParser
import Foundation
import SeglabClustering
import SeglabData
import SeglabLedger
import SeglabRunner

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a run's configuration, data report, metrics, segment profile and artifacts.")

    @Argument(help: "The run id (or a unique prefix of it).")
    var runID: String

    @OptionGroup var ledgerOption: LedgerOption

    @Option(help: "table or json.")
    var format: DocumentFormat = .table

    func run() throws {
        let ledger = try ledgerOption.openExisting()
        guard let d = try ledger.run(id: try LedgerLookup.runID(runID, in: ledger)) else { throw UsageError("no run \(runID)") }
        let doc = try RunDocument(d, ledger: ledger)
        let r = d.run
        let (recipe, dataReport, profile, curve) = (doc.recipe, doc.dataReport, doc.profile, doc.training)
        switch format {
        case .json:
            writeStdout(JSONWriter.pretty(doc.json))
        case .table:
            var out = """
            run          \(r.id)
            key          \(r.key)
            experiments  \(d.experiments.joined(separator: ", "))
            feature set  \(r.featureSet)
            algorithm    \(r.algorithm) \(r.paramsJSON)
            seed         \(r.seed) (replicate \(r.replicate))
            status       \(r.status.rawValue)\(r.error.map { ": \($0)" } ?? "")
            started      \(r.startedAt ?? "-")
            finished     \(r.finishedAt ?? "-")\(r.durationS.map { String(format: " (%.3f s)", $0) } ?? "")
            dataset      \(r.datasetSHA256 ?? "-")
            code         \(r.codeVersion ?? "-")

            """
            if let fs = recipe?.config["feature_set"] { out += "features     \(JSONWriter.canonical(fs))\n" }
            if case .array(let steps)? = dataReport?["steps"] {
                out += "\ndata (\(dataReport?["source"].flatMap { if case .string(let s) = $0 { return s } else { return nil } } ?? "data"))\n"
                let columns = ["step", "rows_in", "rows_out", "detail"]
                out += TextTable(header: columns, rows: steps.map { step in
                    columns.map { key in
                        switch step[key] {
                        case .string(let v)?: return v
                        case .int(let v)?: return String(v)
                        default: return ""
                        }
                    }
                }).text()
            }
            if case .array(let leftOut)? = dataReport?["left_out"], !leftOut.isEmpty {
                out += "left out of the feature set:\n" + leftOut.map { item in
                    guard case .string(let f)? = item["feature"], case .string(let why)? = item["reason"] else { return "" }
                    return "  \(f): \(why)\n"
                }.joined()
            }
            if case .array(let joins)? = dataReport?["joins"], !joins.isEmpty {
                out += "joins (unmatched keys):\n" + joins.map { j in
                    guard case .string(let table)? = j["table"], case .string(let from)? = j["from"], case .int(let n)? = j["unmatched"],
                          case .string(let rows)? = j["rows"], case .string(let action)? = j["action"] else { return "" }
                    return "  \(table) from \(from): \(n) \(rows == "events" ? "event" : "customer") rows unmatched (\(action))\n"
                }.joined()
            }
            if let categories = doc.productCategories {
                let total = categories.reduce(0) { $0 + $1.spend }
                out += "\nproduct categories (product_categories.csv)\n" + TextTable(
                    header: ["category", "name", "products", "spend share"],
                    rows: categories.map { [String($0.category), $0.name, String($0.products), String(format: "%.4f", total > 0 ? $0.spend / total : 0)] }
                ).text()
            }
            out += "\nmetrics\n" + TextTable(header: ["name", "value"], rows: d.metrics.map {
                [$0.name, $0.value == nil ? "NULL" : MetricText.exact($0.name, $0.value)]
            }).text()
            if let profile, let clusterColumn = profile.header.firstIndex(of: "cluster") {
                // Names and actions are text: one row per segment.
                let words = [Profile.nameColumn, Profile.actionColumn].compactMap { profile.header.firstIndex(of: $0) }
                if !words.isEmpty {
                    out += "\nsegments (profile.csv: name and suggested action, per cluster)\n"
                    out += TextTable(header: ["cluster"] + words.map { profile.header[$0] },
                                     rows: profile.rows.map { row in [row[clusterColumn]] + words.map { row[$0] } }).text()
                }
                // One column per cluster, one row per statistic: readable for any number of features.
                out += "\nprofile (profile.csv: size, share, share of revenue, and the mean, median and z-score of each unscaled feature, per cluster)\n"
                out += TextTable(header: ["cluster"] + profile.rows.map { $0[clusterColumn] },
                                 rows: profile.header.indices.filter { $0 != clusterColumn && !words.contains($0) }.map { j in
                                     [profile.header[j]] + profile.rows.map { Self.readable($0[j]) }
                                 }).text(alignRight: true)
            } else {
                let total = d.clusters.reduce(0) { $0 + $1.size }
                out += "\nclusters\n" + TextTable(header: ["cluster", "size", "share"], rows: d.clusters.map {
                    [String($0.cluster), String($0.size), total > 0 ? String(format: "%.4f", Double($0.size) / Double(total)) : ""]
                }).text()
            }
            out += "\nartifacts\n" + TextTable(header: ["name", "bytes", "sha256", "path"], rows: d.artifacts.map {
                [$0.name, String($0.bytes), $0.sha256, $0.path]
            }).text()
            if let curve { out += "\ntraining (\(TrainingCurve.artifactName))\n" + trainingTable(curve).text() }
            writeStdout(out)
        }
    }

    /// One row per stage: epochs, first and last loss, the last label change, the loss curve.
    func trainingTable(_ curve: TrainingCurve) -> TextTable {
        var stages = [String]()
        for p in curve.points where !stages.contains(p.stage) { stages.append(p.stage) }
        return TextTable(header: ["stage", "epochs", "first_loss", "last_loss", "label_change", "loss_curve"], rows: stages.map { stage in
            let points = curve.points.filter { $0.stage == stage }
            let losses = points.compactMap(\.loss)
            let text = { (v: Double?) in v.map(formatNumber) ?? "" }
            return [stage, String(points.count), text(losses.first), text(losses.last),
                    text(points.last { $0.labelChange != nil }?.labelChange), Sparkline.text(losses)]
        })
    }

    /// A profile cell for people: numbers at 6 significant digits (older profiles have 17).
    static func readable(_ text: String) -> String {
        Double(text).map(formatNumber) ?? text
    }
}
