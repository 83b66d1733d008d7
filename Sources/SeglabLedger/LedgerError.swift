import Foundation

/// Why the ledger refused an operation; every message names the file, run or value at fault.
public enum LedgerError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A read-only open of a file that does not exist.
    case notFound(path: String)
    /// The file is not a seglab ledger (another database, or not SQLite at all, or corrupt).
    case notALedger(path: String, reason: String)
    /// SQLite or the file system refused to open or create the file.
    case cannotOpen(path: String, reason: String)
    /// The ledger was written by a newer seglab (it has migrations this build does not know).
    case newerSchema(path: String, unknownMigrations: [String])
    /// The file could not be read or written: disk full, I/O error, read-only file, or locked by
    /// another process for longer than the busy timeout. Nothing of the refused operation was kept.
    case storage(path: String, reason: String)
    /// A `running` run this process no longer owns: another runner took it over (this process
    /// had stopped sending heartbeats) or it was requeued; the result is not recorded.
    case claimLost(id: String)
    case unknownRun(id: String)
    case unknownExperiment(name: String)
    /// A metric value that is NaN or infinite; undefined metrics are recorded as nil.
    case nonFiniteMetric(runID: String, name: String, value: Double)
    case seedOutOfRange(runID: String, seed: UInt64)
    /// The same cluster id or artifact name twice for one owner.
    case duplicate(owner: String, what: String)
    case invalidQuery(String)
    /// `merge` found copies of a run (or of an experiment) that disagree; nothing was written.
    case mergeRefused([String])
    /// The target changed between planning a merge and applying it; nothing was written.
    case changedDuringMerge(path: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let path):
            return "\(path): no such ledger"
        case .notALedger(let path, let reason):
            return "\(path): not a seglab ledger (\(reason))"
        case .cannotOpen(let path, let reason):
            return "\(path): cannot open the ledger (\(reason))"
        case .newerSchema(let path, let unknown):
            return "\(path): written by a newer seglab (unknown migrations: \(unknown.joined(separator: ", ")))"
        case .storage(let path, let reason):
            return "\(path): \(reason)"
        case .claimLost(let id):
            return "run \(id) was taken over by another runner or requeued while this process ran it; its result is not recorded"
        case .unknownRun(let id):
            return "no run with id \(id) in the ledger"
        case .unknownExperiment(let name):
            return "no experiment named \(name) in the ledger"
        case .nonFiniteMetric(let runID, let name, let value):
            return "run \(runID): metric \(name) is \(value); record an undefined metric as null, never NaN or infinity"
        case .seedOutOfRange(let runID, let seed):
            return "run \(runID): seed \(seed) does not fit SQLite's INTEGER (must be below 2^63)"
        case .duplicate(let owner, let what):
            return "\(owner): \(what) recorded twice"
        case .invalidQuery(let reason):
            return "invalid leaderboard query: \(reason)"
        case .mergeRefused(let reasons):
            return "merge refused, nothing written:\n  " + reasons.joined(separator: "\n  ")
        case .changedDuringMerge(let path, let reason):
            return "\(path): changed while merging (\(reason)); nothing written: run the merge again"
        }
    }

    public var errorDescription: String? { description }
}
