import XCTest
import SeglabClustering
@testable import SeglabRunner

/// `--shard I/N`: the cost model and the longest-processing-time-first partition.
final class ShardPartitionTests: XCTestCase {
    private func experiment(_ algorithms: String, replicates: Int = 1) throws -> PreparedExperiment {
        let text = #"{"name": "s", "seed": 3, "replicates": \#(replicates), "data": {"synthetic": {"customers": 400, "segments": 3, "seed": 2}}, "algorithms": \#(algorithms)}"#
        return try ExperimentPlanner.prepare(try ExperimentParser.parse(bytes: Array(text.utf8), file: "e.json", directory: "/"))
    }

    func testEveryRunIsInExactlyOneShardAndTheSplitIsAPureFunctionOfThePlan() throws {
        let p = try experiment(#"{"kmeans": {"k": {"from": 2, "to": 20}, "init": ["k-means++", "random"], "n_init": [1, 5]}}"#, replicates: 3)
        XCTAssertEqual(p.runs.count, 228)
        for count in [1, 3, 7, 300] {
            let assignment = p.shardAssignment(count: count)
            XCTAssertTrue(assignment.allSatisfy { (0 ..< count).contains($0) })
            XCTAssertEqual(Set(assignment).count, min(count, p.runs.count), "no shard left empty while runs remain")
            if count <= 7 {
                let parts = try (0 ..< count).map { try p.restricted(to: Shard(index: $0, count: count)).runs.map(\.key) }
                XCTAssertEqual(parts.flatMap { $0 }.sorted(), p.runs.map(\.key).sorted(), "\(count) shards cover the grid once")
            }
            // The same plan in another order (another file listing the same runs) splits the same way.
            var shuffled = p
            shuffled.runs.reverse()
            let again = Dictionary(uniqueKeysWithValues: zip(shuffled.runs.map(\.key), shuffled.shardAssignment(count: count)))
            XCTAssertEqual(zip(p.runs, assignment).map { again[$0.0.key]! }, assignment, "\(count) shards")
        }
    }

    func testTheLongestShardIsWithinOneRunOfAnEvenSplit() throws {
        let p = try experiment(#"{"kmeans": {"k": {"from": 2, "to": 40}, "n_init": [1, 10]}}"#, replicates: 5)
        let costs = p.estimatedCosts
        let total = costs.map(\.microseconds).reduce(0, +)
        let largest = costs.map(\.microseconds).max()!
        XCTAssertGreaterThan(largest * 20, total / 8, "the grid mixes cheap and dear runs")
        for count in [2, 4, 8, 16] {
            let assignment = p.shardAssignment(count: count)
            var loads = [Int64](repeating: 0, count: count)
            for (i, s) in assignment.enumerated() { loads[s] += costs[i].microseconds }
            // List scheduling's bound: no shard exceeds the mean by more than its last unit.
            XCTAssertLessThanOrEqual(loads.max()!, total / Int64(count) + largest, "\(count) shards: \(loads)")
            // And round-robin in plan order does worse here (k grows along the plan).
            var robin = [Int64](repeating: 0, count: count)
            for i in costs.indices { robin[i % count] += costs[i].microseconds }
            XCTAssertLessThanOrEqual(loads.max()!, robin.max()!, "\(count) shards")
        }
    }

    func testRunsSharingWorkStayTogetherAndPayItOnce() throws {
        let p = try experiment(#"{"kmeans": {"k": [2, 3, 4, 5, 6, 7]}}"#)
        // Six runs of one group sharing a tree that costs more than all of them.
        let costs = p.runs.map { _ in RunCost(seconds: 1, shared: SharedWork(group: "tree", seconds: 100)) }
        let assignment = ShardPartition.assign(p.runs, costs: costs, shards: 3)
        XCTAssertEqual(Set(assignment).count, 1, "one shard builds the tree for every k")
        XCTAssertEqual(ShardPartition.seconds(of: Array(p.runs.indices), costs: costs), 106)
        // Two groups, two shards: one each.
        let two = p.runs.indices.map { RunCost(seconds: 1, shared: SharedWork(group: "tree \($0 % 2)", seconds: 50)) }
        let split = ShardPartition.assign(p.runs, costs: two, shards: 2)
        XCTAssertEqual(split.enumerated().filter { $0.offset % 2 == 0 }.map(\.element).count, 3)
        XCTAssertEqual(Set(split.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)).count, 1)
        XCTAssertNotEqual(split[0], split[1])
    }

    func testTheCostModelFollowsItsFormula() throws {
        let p = try experiment(#"{"kmeans": {"k": [4, 8], "n_init": [1, 2], "max_iter": [300, 7]}}"#)
        let cost = { (k: Int, nInit: Int, maxIter: Int) -> Double in
            let run = p.runs.first { $0.parameters.int("k") == k && $0.parameters.int("n_init") == nInit && $0.parameters.int("max_iter") == maxIter }!
            return RunCostModel.estimate(run, on: p.featureSet(for: run)).seconds
        }
        let overhead = RunCostModel.overhead(n: 400, d: Double(p.featureSets[0].matrix.cols), scored: 400)
        XCTAssertEqual(cost(8, 1, 300) - overhead, 2 * (cost(4, 1, 300) - overhead), accuracy: 1e-12, "linear in k")
        XCTAssertEqual(cost(4, 2, 300) - overhead, 2 * (cost(4, 1, 300) - overhead), accuracy: 1e-12, "linear in n_init")
        XCTAssertEqual(cost(4, 1, 7) - overhead, 0.5 * (cost(4, 1, 300) - overhead), accuracy: 1e-12, "max_iter 7 of 14 typical")
    }

    func testShardsAreReadFromTheOptionOrTheSchedulersEnvironment() throws {
        XCTAssertEqual(try Shard.resolve("2/5", count: nil, environment: [:]), try Shard(index: 2, count: 5))
        XCTAssertNil(try Shard.resolve(nil, count: nil, environment: ["SLURM_ARRAY_TASK_ID": "1"]), "never without being asked")
        let slurm = ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"]
        XCTAssertEqual(try Shard.resolve("auto", count: nil, environment: slurm), try Shard(index: 3, count: 4))
        // A task resubmitted alone sees an array of one: the explicit count wins.
        let resubmitted = ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "1", "SEGLAB_SHARD_COUNT": "4"]
        XCTAssertEqual(try Shard.resolve("auto", count: nil, environment: resubmitted), try Shard(index: 3, count: 4))
        XCTAssertEqual(try Shard.resolve(nil, count: 8, environment: ["JOB_COMPLETION_INDEX": "7"]), try Shard(index: 7, count: 8))
        for (option, count, environment) in [("4/4", nil, [:]), ("-1/4", nil, [:]), ("1/0", nil, [:]), ("x", nil, [:]),
                                             ("1/4", 5, [:]), ("auto", nil, ["JOB_COMPLETION_INDEX": "1"]),
                                             ("auto", 2, ["JOB_COMPLETION_INDEX": "two"])] as [(String, Int?, [String: String])] {
            XCTAssertThrowsError(try Shard.resolve(option, count: count, environment: environment), "\(option) \(String(describing: count))") {
                XCTAssertTrue($0 is ShardError)
            }
        }
    }
}
