/// Date checks the experiment parser makes before any data is read (`as_of`, `date_format`),
/// with the same rules the transactions loader applies.
public enum CalendarDay {
    /// Days since 1970-01-01 of a strict `yyyy-mm-dd`, or nil.
    public static func parseISODate(_ text: String) -> Int32? { DateParser.parseISODate(text) }

    /// Why `format` is not a usable `date_format`, or nil when it is.
    public static func formatProblem(_ format: String) -> String? {
        do { _ = try DateParser(format: format); return nil } catch let e as DateParser.FormatError {
            return e.message
        } catch { return "\(error)" }
    }
}
