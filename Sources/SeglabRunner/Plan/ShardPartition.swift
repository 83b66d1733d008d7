/// Splits a grid into shards of about equal estimated cost: longest processing time first.
///
/// Runs that share work in one process (`SharedWork`, e.g. one agglomerative tree for every
/// `k`) form one unit, which costs the shared work once plus its runs; every other run is a
/// unit of its own. Units are taken from the most to the least expensive (ties: the smallest
/// run key first) and each goes to the shard with the least cost so far (ties: the lowest
/// index). Costs are added as whole microseconds, so the partition is a pure function of the
/// plan: every process of a job array computes the same one, on any machine. Graham's bound
/// holds: the most loaded shard costs at most 4/3 of the best possible split, or one unit more
/// than an even split.
public enum ShardPartition {
    /// The shard of each run, in `runs` order.
    public static func assign(_ runs: [PlannedRun], costs: [RunCost], shards: Int) -> [Int] {
        precondition(runs.count == costs.count && shards >= 1)
        var units: [(key: String, micros: Int64, members: [Int])] = []
        var unitOfGroup: [String: Int] = [:]
        for i in runs.indices {
            let micros = costs[i].microseconds
            if let shared = costs[i].shared {
                if let u = unitOfGroup[shared.group] {
                    units[u].micros += micros
                    units[u].members.append(i)
                    units[u].key = min(units[u].key, runs[i].key)
                    continue
                }
                unitOfGroup[shared.group] = units.count
                units.append((runs[i].key, RunCost.microseconds(shared.seconds) + micros, [i]))
            } else {
                units.append((runs[i].key, micros, [i]))
            }
        }
        units.sort { $0.micros != $1.micros ? $0.micros > $1.micros : $0.key < $1.key }
        var loads = [Int64](repeating: 0, count: shards)
        var shardOf = [Int](repeating: 0, count: runs.count)
        for unit in units {
            // The first shard with the least load: ties go to the lowest index.
            var target = 0
            for s in 1 ..< shards where loads[s] < loads[target] { target = s }
            loads[target] += unit.micros
            for i in unit.members { shardOf[i] = target }
        }
        return shardOf
    }

    /// What the runs at `members` cost in one process: each run's own seconds, plus each
    /// shared work once.
    public static func seconds(of members: [Int], costs: [RunCost]) -> Double {
        var groups = Set<String>()
        var total = 0.0
        for i in members {
            total += costs[i].seconds
            if let shared = costs[i].shared, groups.insert(shared.group).inserted { total += shared.seconds }
        }
        return total
    }
}

extension PreparedExperiment {
    /// Each run's estimated cost, in plan order.
    public var estimatedCosts: [RunCost] { runs.map { RunCostModel.estimate($0, on: featureSet(for: $0)) } }

    /// The shard of each run, in plan order.
    public func shardAssignment(count: Int) -> [Int] {
        ShardPartition.assign(runs, costs: estimatedCosts, shards: count)
    }

    /// The experiment with only the runs of `shard`, in plan order.
    public func restricted(to shard: Shard) -> PreparedExperiment {
        let assignment = shardAssignment(count: shard.count)
        var part = self
        part.runs = runs.indices.filter { assignment[$0] == shard.index }.map { runs[$0] }
        return part
    }
}
