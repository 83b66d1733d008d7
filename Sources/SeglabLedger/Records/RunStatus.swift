import GRDB

/// The life-cycle state of a run, stored as text in `runs.status`.
///
/// `pending` → `running` → `completed` | `failed`; a run cut short (signal, crash) is marked
/// `interrupted`. Only `completed` runs are skipped on resume and ranked on the leaderboard.
public enum RunStatus: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case pending, running, completed, failed, interrupted
}
