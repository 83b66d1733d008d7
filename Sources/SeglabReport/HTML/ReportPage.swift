import SeglabCharts
import SeglabClustering
import SeglabLedger
import SeglabRunner

/// The report's one HTML page: inline CSS and SVG, no script, no network, no clock and no
/// absolute path, so identical ledger content gives identical bytes.
///
/// Sections: the experiment (data and cleaning, grid, runs by status, failed runs), the
/// leaderboard (best runs, best per algorithm, quality against balance, stability across
/// replicates), each algorithm, each feature set, and the chosen run's segments.
struct ReportPage {
    var data: ExperimentData
    var algorithms: [(view: AlgorithmView, charts: [ReportChart])]
    var featureSets: [(view: FeatureSetView, charts: [ReportChart])]
    var qualityBalance: ReportChart?
    var segments: (view: SegmentView, charts: [ReportChart])?
    /// Why a part of the report is missing (the data could not be rebuilt, …).
    var problems: [String]

    /// Parameters every run shares: left out of the tables, said once under the leaderboard.
    var shared: Set<String> { Set(data.sharedParams.map(\.name)) }

    /// Leaderboard rows shown on the page (the command line has them all).
    static let leaderboardRows = 20

    var html: String {
        let name = data.record.name
        let body = HTMLElement("main", elements: [
            HTMLElement("h1", text: "Segmentation report: \(name)"),
            lede,
            contents,
        ] + problemList + [experimentSection, leaderboardSection, algorithmSection, featureSetSection, segmentSection,
                             HTMLElement("footer", text: "Written by seglab report from the ledger. Every chart is also a file of its own under charts/.")])
        let head = HTMLElement("head", content: [
            .element(HTMLElement("meta", ["charset": "utf-8"])),
            .element(HTMLElement("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])),
            .element(HTMLElement("title", text: "seglab report: \(name)")),
            .element(HTMLElement("style", content: [.raw(Self.css)])),
        ])
        return "<!DOCTYPE html>\n" + HTMLElement("html", ["lang": "en"], elements: [head, HTMLElement("body", elements: [body])]).render()
    }

    // MARK: - Top

    private var lede: HTMLElement {
        let runs = data.runs.count, completed = data.completedRuns.count
        var text = "Experiment \(data.record.name): \(NumberText.count(runs)) runs, \(NumberText.count(completed)) completed."
        if let s = segments {
            let why = s.view.run.id == data.leaderboard.first?.runID ? "the best by silhouette" : "chosen with --run"
            text += " The segments below are those of run \(s.view.run.id) (\(s.view.run.algorithm), \(s.view.run.paramsText); \(why))."
        }
        return HTMLElement("p", ["class": "lede"], text: text)
    }

    private var contents: HTMLElement {
        let items: [(String, String)] = [
            ("experiment", "Experiment"), ("leaderboard", "Leaderboard"), ("algorithms", "Algorithms"),
            ("feature-sets", "Feature sets"), ("segments", "Segments"),
        ]
        return HTMLElement("nav", elements: [HTMLElement("ul", elements: items.map { id, title in
            HTMLElement("li", elements: [HTMLElement("a", ["href": "#\(id)"], text: title)])
        })])
    }

    private var problemList: [HTMLElement] {
        problems.isEmpty ? [] : [HTMLElement("div", ["class": "problems"], elements: [
            HTMLElement("p", text: "Parts of this report are missing:"),
            HTMLElement("ul", elements: problems.map { HTMLElement("li", text: $0) }),
        ])]
    }

    // MARK: - Experiment

    private var experimentSection: HTMLElement {
        var items: [HTMLElement] = [HTMLElement("h2", ["id": "experiment"], text: "Experiment")]
        items.append(HTMLElement("h3", text: "Data and cleaning"))
        items += dataSummary
        items.append(HTMLElement("h3", text: "Grid"))
        items += grid
        items.append(HTMLElement("h3", text: "Runs"))
        let statuses = RunStatus.allCases.map { s in (s, data.runs.filter { $0.record.status == s }.count) }.filter { $0.1 > 0 }
        items.append(HTMLTable.make(header: ["status", "runs"], text: statuses.map { [$0.0.rawValue, NumberText.count($0.1)] } + [["all", NumberText.count(data.runs.count)]],
                                    numeric: [1]))
        let failed = data.runs.filter { $0.record.status == .failed }
        if failed.isEmpty {
            items.append(HTMLElement("p", text: "No run failed."))
        } else {
            items.append(HTMLElement("h3", text: "Failed runs"))
            items.append(HTMLTable.make(header: ["run", "feature set", "algorithm", "parameters", "reason"],
                                        text: failed.map { [$0.id, $0.featureSet, $0.algorithm, $0.paramsText(omitting: shared), $0.record.error ?? ""] }))
        }
        return HTMLElement("section", elements: items)
    }

    private var dataSummary: [HTMLElement] {
        guard let report = data.dataReport, case .object(let sets)? = report["feature_sets"] else {
            return [HTMLElement("p", text: "The experiment's data_report.json is missing.")]
        }
        var items: [HTMLElement] = []
        if case .string(let sha)? = report["dataset_sha256"] {
            items.append(HTMLElement("p", content: [.text("Input data SHA-256: "), .element(HTMLElement("code", text: sha))]))
        }
        // Feature sets whose loading and cleaning went the same way share one table.
        var groups: [(names: [String], entry: JSONValue)] = []
        for (name, entry) in sets {
            if let i = groups.firstIndex(where: { $0.entry["steps"] == entry["steps"] && $0.entry["left_out"] == entry["left_out"] }) {
                groups[i].names.append(name)
            } else {
                groups.append(([name], entry))
            }
        }
        for (names, entry) in groups {
            let source = RunData.text(entry["source"] ?? .string("data"))
            let customers = entry["customers"].map(RunData.text) ?? "?"
            items.append(HTMLElement("p", text: "Feature set\(names.count > 1 ? "s" : "") \(names.joined(separator: ", ")): \(source), \(customers) customers after cleaning."))
            if case .array(let steps)? = entry["steps"], !steps.isEmpty {
                items.append(HTMLTable.make(header: ["step", "rows in", "rows out", "detail"], text: steps.map { s in
                    ["step", "rows_in", "rows_out", "detail"].map { s[$0].map(RunData.text) ?? "" }
                }, numeric: [1, 2]))
            }
            if case .array(let leftOut)? = entry["left_out"], !leftOut.isEmpty {
                items.append(HTMLElement("p", text: "Left out of the feature set: " + leftOut.map {
                    "\($0["feature"].map(RunData.text) ?? "?") (\($0["reason"].map(RunData.text) ?? ""))"
                }.joined(separator: "; ") + "."))
            }
        }
        return items
    }

    private var grid: [HTMLElement] {
        guard let e = data.experiment else {
            return [HTMLElement("p", text: "The experiment file as recorded:"), HTMLElement("pre", text: data.record.specJSON)]
        }
        var items = [HTMLElement("p", text: "Seed \(e.seed), \(e.replicates) replicate\(e.replicates == 1 ? "" : "s") per configuration.")]
        items.append(HTMLTable.make(header: ["feature set", "columns", "log1p", "scale", "PCA"], text: e.featureSets.map { f in
            let pca: String
            switch f.pca {
            case .components(let n)?: pca = "\(n) components"
            case .variance(let v)?: pca = "\(NumberText.share(v)) of variance"
            case nil: pca = "none"
            }
            let columns = (f.columns ?? ["every available column"]) + f.onehot.map { "\($0) (one-hot)" }
            return [f.name, columns.joined(separator: ", "), f.log1p.isEmpty ? "none" : f.log1p.joined(separator: ", "), f.scale.rawValue, pca]
        }))
        items.append(HTMLTable.make(header: ["algorithm", "parameter", "values"], text: e.algorithms.flatMap { g in
            g.axes.map { axis in [g.name, axis.parameter, axis.values.map(Self.text).joined(separator: ", ") + " (\(axis.values.count))"] }
        }))
        return items
    }

    static func text(_ v: ParamValue) -> String {
        switch v {
        case .int(let i): return String(i)
        case .real(let d): return JSONWriter.real(d)
        case .string(let s): return s
        case .ints(let list): return "[" + list.map(String.init).joined(separator: ", ") + "]"
        case .null: return "null"
        }
    }

    // MARK: - Leaderboard

    private var leaderboardSection: HTMLElement {
        var items: [HTMLElement] = [HTMLElement("h2", ["id": "leaderboard"], text: "Leaderboard")]
        let rows = data.leaderboard
        if rows.isEmpty {
            items.append(HTMLElement("p", text: "No completed run yet."))
            return HTMLElement("section", elements: items)
        }
        let stable = !data.stability.isEmpty
        items.append(HTMLElement("p", text: "Completed runs ranked by silhouette (higher is better), as "
            + "seglab leaderboard --experiment \(data.record.name) ranks them"
            + (rows.count > Self.leaderboardRows ? "; the first \(Self.leaderboardRows) of \(NumberText.count(rows.count))." : ".")))
        items.append(leaderboardTable(Array(rows.prefix(Self.leaderboardRows)), stable: stable))
        if !data.sharedParams.isEmpty {
            items.append(HTMLElement("p", text: "Same in every run: " + data.sharedParams.map { "\($0.name)=\($0.text)" }.joined(separator: ", ") + "."))
        }
        items.append(HTMLElement("h3", text: "Best run per algorithm"))
        items.append(leaderboardTable(data.bestPerAlgorithm, stable: stable))
        if let chart = qualityBalance { items.append(Self.figures([chart])) }
        if stable {
            items.append(HTMLElement("h3", text: "Stability across replicates"))
            items.append(HTMLElement("p", text: "Each configuration was run with several seeds (replicates). Stability is the mean adjusted Rand index over every pair of its replicates: 1 means every seed found the same segments."))
            var seen = Set<String>()
            let configurations = rows.filter { r in
                data.stability[r.runID] != nil && seen.insert("\(r.featureSet) \(r.algorithm) \(r.paramsJSON)").inserted
            }
            let byID = Dictionary(uniqueKeysWithValues: data.runs.map { ($0.id, $0) })
            items.append(HTMLTable.make(header: ["best replicate", "feature set", "algorithm", "parameters", "replicates", "stability"],
                                        text: configurations.map { r in
                                            let s = data.stability[r.runID]!
                                            return [r.runID, r.featureSet, r.algorithm, byID[r.runID]?.paramsText(omitting: shared) ?? r.paramsJSON,
                                                    String(s.replicates), s.meanARI.map { NumberText.value($0) } ?? (s.problem ?? "–")]
                                        }, numeric: [4, 5]))
        }
        return HTMLElement("section", elements: items)
    }

    private func leaderboardTable(_ rows: [LeaderboardRow], stable: Bool) -> HTMLElement {
        let byID = Dictionary(uniqueKeysWithValues: data.runs.map { ($0.id, $0) })
        let header = ["rank", "run", "feature set", "algorithm", "parameters", "silhouette", "Davies–Bouldin", "Calinski–Harabasz",
                      "clusters", "smallest cluster"] + (stable ? ["stability"] : [])
        return HTMLTable.make(header: header, text: rows.map { r in
            [String(r.rank), r.runID, r.featureSet, r.algorithm, byID[r.runID]?.paramsText(omitting: shared) ?? r.paramsJSON,
             NumberText.value(r.silhouette), NumberText.value(r.daviesBouldin), NumberText.value(r.calinskiHarabasz),
             r.nClusters.map(String.init) ?? "–", NumberText.share(r.minClusterShare)]
                + (stable ? [NumberText.value(data.stability[r.runID]?.meanARI)] : [])
        }, numeric: Set(5 ..< header.count).union([0]))
    }

    // MARK: - Algorithms and feature sets

    private var algorithmSection: HTMLElement {
        var items: [HTMLElement] = [HTMLElement("h2", ["id": "algorithms"], text: "Algorithms")]
        if algorithms.isEmpty { items.append(HTMLElement("p", text: "No completed run yet.")) }
        for (view, charts) in algorithms {
            items.append(HTMLElement("h3", text: "\(view.name) (\(NumberText.count(view.runs.count)) completed runs)"))
            if view.heatMapAxes == nil {
                items.append(HTMLElement("p", text: "Fewer than two grid axes vary: no heat map."))
            }
            items.append(Self.figures(charts))
        }
        return HTMLElement("section", elements: items)
    }

    private var featureSetSection: HTMLElement {
        var items: [HTMLElement] = [HTMLElement("h2", ["id": "feature-sets"], text: "Feature sets")]
        for (view, charts) in featureSets {
            items.append(HTMLElement("h3", text: "\(view.name): \(view.columns.joined(separator: ", "))"))
            items.append(Self.figures(charts))
        }
        return HTMLElement("section", elements: items)
    }

    // MARK: - Segments

    private var segmentSection: HTMLElement {
        var items: [HTMLElement] = [HTMLElement("h2", ["id": "segments"], text: "Segments")]
        guard let (view, charts) = segments else {
            items.append(HTMLElement("p", text: "No run to show: no completed run, or its data could not be rebuilt (see above)."))
            return HTMLElement("section", elements: items)
        }
        let p = view.profile
        let colors = SegmentStyle.colors(p)
        items.append(HTMLElement("p", text: "Run \(view.run.id): \(view.run.algorithm) on feature set \(view.run.featureSet), \(view.run.paramsText). "
            + "Names and actions follow the rules in the README (\"Segment names and actions\"); they are also in the run's profile.csv."))
        let revenue = p.columns.contains(Profile.monetaryColumn)
        items.append(HTMLTable.make(
            header: ["cluster", "segment", "customers", "share"] + (revenue ? ["revenue share"] : []) + ["suggested action"],
            rows: zip(p.clusters, colors).map { c, color in
                let swatch = HTMLElement("span", ["class": "swatch", "style": "background:\(color.hex)"])
                return [[.text(String(c.cluster))], [.element(swatch), .text(c.name)], [.text(NumberText.count(c.size))],
                        [.text(NumberText.share(c.share))]]
                    + (revenue ? [[.text(NumberText.share(c.revenueShare))]] : []) + [[.text(c.action)]]
            }, numeric: Set([0, 2, 3] + (revenue ? [4] : [])), className: "segments"))
        items.append(Self.figures(charts.filter { !$0.file.hasSuffix("-pca.svg") && !$0.file.hasSuffix("-tsne.svg") && !$0.file.contains("-loss-") }))
        items.append(HTMLElement("h3", text: "Profile"))
        items.append(HTMLElement("p", text: "Per segment and feature: the mean, the median and the z-score of the mean against all \(NumberText.count(view.customers)) customers (standard deviations from the average customer)."))
        items.append(HTMLTable.make(
            header: ["feature", "all customers"] + p.clusters.map(SegmentStyle.label),
            rows: p.columns.indices.map { j in
                [[.text(p.columns[j])], [.text(NumberText.value(p.baseMeans[j]))]] + p.clusters.map { c in
                    [.text(NumberText.value(c.means[j])),
                     .element(HTMLElement("small", text: "median \(NumberText.value(c.medians[j])) · z \(NumberText.z(c.zScores[j]))"))]
                }
            }, numeric: Set(1 ... p.clusters.count + 1), className: "profile"))
        items.append(HTMLElement("h3", text: "Customers in two dimensions"))
        items.append(Self.figures(charts.filter { $0.file.hasSuffix("-pca.svg") || $0.file.hasSuffix("-tsne.svg") }))
        for note in view.notes { items.append(HTMLElement("p", text: "Not drawn: \(note).")) }
        let loss = charts.filter { $0.file.contains("-loss-") }
        if !loss.isEmpty {
            items.append(HTMLElement("h3", text: "Training"))
            items.append(Self.figures(loss))
        }
        return HTMLElement("section", elements: items)
    }

    // MARK: - Figures and style

    static func figures(_ charts: [ReportChart]) -> HTMLElement {
        HTMLElement("div", ["class": "figures"], elements: charts.map { chart in
            var parts: [HTMLNode] = [.raw(chart.svg)]
            var caption: [HTMLNode] = chart.caption.map { [.text($0 + " ")] } ?? []
            caption.append(.element(HTMLElement("a", ["href": "charts/\(chart.file)"], text: "SVG")))
            parts.append(.element(HTMLElement("figcaption", content: caption)))
            return HTMLElement("figure", content: parts)
        })
    }

    static let css = """
    body{margin:0;background:#fafafa;color:#222;font:15px/1.45 "DejaVu Sans",Verdana,Geneva,sans-serif}
    main{max-width:1680px;margin:0 auto;padding:24px 32px 48px}
    h1{font-size:26px;margin:0 0 8px}h2{font-size:21px;margin:36px 0 8px;padding-top:12px;border-top:2px solid #ddd}
    h3{font-size:17px;margin:22px 0 6px}.lede{font-size:16px;max-width:70em}
    nav ul{list-style:none;padding:0;margin:8px 0 0;display:flex;gap:18px;flex-wrap:wrap}
    a{color:#0072b2}code{font-size:13px}pre{background:#f0f0f0;padding:8px;overflow-x:auto}
    .problems{border:1px solid #d55e00;background:#fff4ec;padding:4px 12px;margin:12px 0}
    .table{overflow-x:auto;margin:8px 0 12px}
    table{border-collapse:collapse;background:#fff;font-size:13px}
    th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
    th{background:#f0f0f0}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
    td small{display:block;color:#555;white-space:nowrap}
    .swatch{display:inline-block;width:11px;height:11px;margin-right:6px;border-radius:2px;vertical-align:-1px}
    .figures{display:flex;flex-wrap:wrap;gap:16px;margin:8px 0}
    figure{margin:0;background:#fff;border:1px solid #ddd;padding:8px;max-width:100%}
    figure svg{display:block;max-width:100%;height:auto}
    figcaption{font-size:12px;color:#555;max-width:780px;margin-top:4px}
    footer{margin-top:40px;font-size:12px;color:#666}
    """
}
