import Foundation

/// What `Ledger.claim` found.
public enum RunClaim: Sendable, Equatable {
    /// The run was pending, failed or interrupted (or completed, with `force`): it is now this
    /// process's to run.
    case claimed
    /// The run was `running` for a process that is gone or silent: it is now this process's.
    case reclaimed(from: RunOwner?, because: String)
    /// The run is completed (by another runner since this one planned, or earlier) and `force`
    /// was not given.
    case completed
    /// Another live process runs it.
    case runningElsewhere(RunOwner?)
}

/// A `running` row as `ledger check` and the claim see it: who runs it and when it last said so.
public struct RunningRun: Sendable, Equatable {
    public var id: String
    public var owner: RunOwner?
    public var heartbeatAt: String?

    public init(id: String, owner: RunOwner?, heartbeatAt: String?) {
        self.id = id
        self.owner = owner
        self.heartbeatAt = heartbeatAt
    }

    /// Why the run may be taken over (its process is gone, or silent for longer than
    /// `staleAfter` seconds), or nil while its owner is alive.
    public func staleness(now: Date = Date(), staleAfter: TimeInterval) -> String? {
        guard let owner else { return "no owner recorded (left by an older seglab)" }
        if owner.isAlive() == false { return "\(owner) is gone" }
        if let beat = heartbeatAt.flatMap(Timestamp.date) {
            let silence = now.timeIntervalSince(beat)
            if silence > staleAfter { return "\(owner) has not reported for \(Int(silence)) s" }
            return nil
        }
        return "\(owner) never reported"
    }
}
