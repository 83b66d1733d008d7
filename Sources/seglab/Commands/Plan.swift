import ArgumentParser
import Foundation
import SeglabLedger
import SeglabRunner

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the runs an experiment file expands to, with their estimated cost.")

    @Argument(help: "The experiment file (JSON).")
    var file: String

    @Option(help: "table or json.")
    var format: DocumentFormat = .table

    @OptionGroup var ledgerOption: LedgerOption

    @Option(help: "Only the runs of shard I of N (as `run --shard I/N` runs them).")
    var shard: String?

    @Option(help: "Cut the grid into N shards: the table sums each shard's runs and estimated cost; json gives each run's shard.")
    var shards: Int?

    func validate() throws {
        if shard != nil && shards != nil { throw ValidationError("give --shard I/N or --shards N, not both") }
    }

    func run() throws {
        let part = try shard.map(Shard.init(parsing:))
        let count = try shards.map { try Shard(index: 0, count: $0).count } ?? part?.count
        var p = try prepareExperiment(file)
        // Ids as the ledger has them (read-only): longer than 12 digits where another key holds the prefix.
        if FileManager.default.fileExists(atPath: ledgerOption.ledger) {
            let ids = try Ledger(readOnlyPath: ledgerOption.ledger).ids(forKeys: p.runs.map(\.key))
            for i in p.runs.indices { p.runs[i].id = ids[p.runs[i].key]! }
        }
        let costs = p.estimatedCosts
        let assignment = count.map { p.shardAssignment(count: $0) }
        let shown = p.runs.indices.filter { part == nil || assignment?[$0] == part?.index }
        switch format {
        case .json:
            let items = JSONValue.array(shown.map { i in
                let r = p.runs[i]
                var members: [(key: String, value: JSONValue)] = [
                    ("id", .string(r.id)), ("key", .string(r.key)), ("feature_set", .string(r.featureSet.name)),
                    ("algorithm", .string(r.algorithm.name)), ("params", RunIdentity.paramsJSON(r.parameters)),
                    ("replicate", .int(r.replicate)), ("seed", .int(Int(r.seed))),
                    ("estimated_seconds", .real(costs[i].seconds)),
                ]
                if let shared = costs[i].shared {
                    members.append(("shared_work", .object([("group", .string(shared.group)), ("estimated_seconds", .real(shared.seconds))])))
                }
                if let assignment { members.append(("shard", .int(assignment[i]))) }
                return .object(members)
            })
            writeStdout(JSONWriter.pretty(items))
        case .table where shards != nil:
            writeStdout(shardTable(p, costs: costs, assignment: assignment!, count: count!))
        case .table:
            let table = TextTable(header: ["id", "feature_set", "algorithm", "params", "replicate", "seed", "est_s"],
                                  rows: shown.map { i in
                                      let r = p.runs[i]
                                      return [r.id, r.featureSet.name, r.algorithm.name, r.paramsJSON, String(r.replicate),
                                              String(r.seed), seconds(costs[i].seconds)]
                                  })
            let total = seconds(ShardPartition.seconds(of: shown, costs: costs))
            let scope = part.map { "shard \($0): " } ?? ""
            writeStdout(table.text() + "\(scope)\(counted(shown.count, "run")), estimated \(total) s\n")
        }
    }

    /// One line per shard: its runs and estimated cost, then how even the split is.
    private func shardTable(_ p: PreparedExperiment, costs: [RunCost], assignment: [Int], count: Int) -> String {
        let members = (0 ..< count).map { s in p.runs.indices.filter { assignment[$0] == s } }
        let loads = members.map { ShardPartition.seconds(of: $0, costs: costs) }
        let table = TextTable(header: ["shard", "runs", "est_s"],
                              rows: (0 ..< count).map { ["\($0)/\(count)", String(members[$0].count), seconds(loads[$0])] })
        let total = ShardPartition.seconds(of: Array(p.runs.indices), costs: costs)
        let longest = loads.max() ?? 0
        let balance = longest > 0 ? total / (Double(count) * longest) : 1
        return table.text(alignRight: true)
            + "\(counted(p.runs.count, "run")), estimated \(seconds(total)) s; the longest shard "
            + "\(seconds(longest)) s (balance \(String(format: "%.3f", balance)): the mean shard over the longest)\n"
    }

    private func seconds(_ s: Double) -> String { String(format: s < 10 ? "%.3f" : "%.1f", s) }
}
