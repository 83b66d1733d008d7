/// One part of an experiment's runs, `--shard I/N`: shard `index` (0 ... count − 1) of `count`.
///
/// Which runs a shard holds is `ShardPartition`'s pure function of the plan, so the N
/// processes of a job array, started anywhere, split the grid without talking to each other.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// The most shards a grid may be cut into.
    public static let maximumCount = 100_000

    public init(index: Int, count: Int) throws {
        guard count >= 1, count <= Self.maximumCount else {
            throw ShardError("the shard count must be between 1 and \(Self.maximumCount), not \(count)")
        }
        guard index >= 0, index < count else {
            throw ShardError("shard \(index) of \(count) does not exist: shards are numbered 0 to \(count - 1)")
        }
        self.index = index
        self.count = count
    }

    /// `I/N`, as `--shard` takes it.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ShardError("--shard takes I/N (shard I of N, I from 0 to N-1), not '\(text)'")
        }
        try self.init(index: index, count: count)
    }

    /// The shard a job array's task runs: its index from `SLURM_ARRAY_TASK_ID` (Slurm) or
    /// `JOB_COMPLETION_INDEX` (a Kubernetes indexed Job); the count from `count` (`--shard-count`),
    /// else `SEGLAB_SHARD_COUNT`, else `SLURM_ARRAY_TASK_COUNT`. An explicit count is safer:
    /// a task resubmitted alone (`sbatch --array=2`) sees an array of one.
    public static func fromEnvironment(_ environment: [String: String], count: Int?) throws -> Shard {
        func number(_ name: String) throws -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text) else { throw ShardError("\(name)=\(text) is not a whole number") }
            return value
        }
        guard let index = try number("SLURM_ARRAY_TASK_ID") ?? number("JOB_COMPLETION_INDEX") else {
            throw ShardError("--shard auto needs SLURM_ARRAY_TASK_ID (a Slurm job array) or JOB_COMPLETION_INDEX "
                             + "(a Kubernetes indexed Job) in the environment")
        }
        guard let count = try count ?? number("SEGLAB_SHARD_COUNT") ?? number("SLURM_ARRAY_TASK_COUNT") else {
            throw ShardError("--shard auto needs the number of shards: --shard-count N or SEGLAB_SHARD_COUNT")
        }
        return try Shard(index: index, count: count)
    }

    /// `--shard` and `--shard-count` as given: `I/N`, or `auto` (or a count alone) for the
    /// scheduler's environment; nil when neither is given.
    public static func resolve(_ option: String?, count: Int?, environment: [String: String]) throws -> Shard? {
        switch option {
        case nil:
            return count == nil ? nil : try fromEnvironment(environment, count: count)
        case "auto"?:
            return try fromEnvironment(environment, count: count)
        case let text?:
            let shard = try Shard(parsing: text)
            if let count, count != shard.count {
                throw ShardError("--shard \(text) and --shard-count \(count) disagree on the number of shards")
            }
            return shard
        }
    }

    public var description: String { "\(index)/\(count)" }

    /// `I-of-N`: the shard's folder under `results/shards/<experiment>/`.
    public var folderName: String { "\(index)-of-\(count)" }
}

/// A `--shard` that cannot be used (bad usage: exit 2).
public struct ShardError: Error, CustomStringConvertible, Equatable {
    public var description: String
    init(_ d: String) { description = d }
}
