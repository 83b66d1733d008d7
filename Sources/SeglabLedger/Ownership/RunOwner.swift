import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process that runs a `running` row: its host, pid and process start, so another runner can
/// tell whether it is still there.
///
/// A pid alone is not enough: after a crash the system may give the same pid to a new process.
/// On Linux `processStart` is the boot id and the process's start time in clock ticks since boot
/// (`/proc/<pid>/stat` field 22), which no later process shares; a changed boot id means the
/// machine restarted, so every process of the earlier boot is gone.
public struct RunOwner: Sendable, Equatable, Codable, CustomStringConvertible {
    public var host: String
    public var pid: Int32
    /// `<boot id>:<start ticks>` on Linux; nil where the system does not say.
    public var processStart: String?

    public init(host: String, pid: Int32, processStart: String?) {
        self.host = host
        self.pid = pid
        self.processStart = processStart
    }

    /// This process.
    public static let current = RunOwner(host: hostName(), pid: getpid(), processStart: processStart(of: getpid()))

    public var description: String { "pid \(pid) on \(host)" }

    /// Whether the owner's process still runs: true or false on this host, nil for a process of
    /// another host (only its heartbeat can tell).
    public func isAlive() -> Bool? {
        let here = Self.current
        guard host == here.host else { return nil }
        if let recorded = processStart.flatMap(Self.bootID), let ours = here.processStart.flatMap(Self.bootID),
           recorded != ours {
            return false  // the machine restarted since
        }
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let processStart, let now = Self.processStart(of: pid) else { return true }
        return now == processStart
    }

    private static func bootID(_ processStart: String) -> Substring? {
        processStart.split(separator: ":", maxSplits: 1).first
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `<boot id>:<start ticks>` of a process, from /proc (nil elsewhere or if it is gone).
    static func processStart(of pid: Int32) -> String? {
        guard let boot = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8),
              let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Field 2, the command name, is in parentheses and may hold spaces: count from the last ")".
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        return boot.trimmingCharacters(in: .whitespacesAndNewlines) + ":" + fields[19]
    }
}
