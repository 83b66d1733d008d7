import Foundation

/// Messages for people go to stderr, so stdout stays clean for `--format json` and friends.
public enum Log {
    public static func info(_ message: String) { write("seglab: " + message) }
    public static func warning(_ message: String) { write("seglab: warning: " + message) }
    public static func error(_ message: String) { write("error: " + message) }
    static func write(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}

/// The version recorded in `runs.code_version`.
public enum SeglabVersion {
    public static let string = "seglab 0.1.0"
}
