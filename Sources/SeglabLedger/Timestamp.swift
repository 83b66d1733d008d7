import Foundation

/// ISO 8601 UTC timestamps with milliseconds, as the ledger stores them (never in artifacts).
///
/// Every timestamp has the same width, so text order is time order: SQL may compare them as text.
public enum Timestamp {
    public static func now() -> String { string(Date()) }

    public static func string(_ d: Date) -> String { formatter().string(from: d) }

    /// The moment a ledger timestamp names, or nil if `text` is not one.
    public static func date(_ text: String) -> Date? { formatter().date(from: text) }

    // A formatter per call: ISO8601DateFormatter is not safe to share between threads.
    private static func formatter() -> ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }
}
