import Foundation
import SeglabLedger
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
private let systemLink = Glibc.link
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
private let systemLink = Darwin.link
#endif

/// Writes artifact files durably: each goes to a temporary file in its folder
/// (`.<name>.tmp-<pid>`), is flushed with fsync and renamed into place, then the folder itself is
/// fsynced; the caller commits the ledger row that names the files only after that. A killed
/// process leaves at most temporary files, which the next run removes (`staleTemporaries`). A
/// write that fails removes its temporary file and the files it already renamed, and says in
/// words what happened (`ArtifactWriteError`).
///
/// POSIX calls rather than `FileManager`: Foundation neither fsyncs a file or a folder nor
/// reports `ENOSPC` other than as a generic Cocoa error.
public enum ArtifactStore {
    public struct Written: Sendable, Equatable {
        public var name: String
        public var path: String
        public var sha256: String
        public var bytes: Int
        public var record: ArtifactRecord { ArtifactRecord(name: name, path: path, sha256: sha256, bytes: bytes) }
    }

    public static func write(_ files: [(name: String, bytes: [UInt8])], into directory: String) throws -> [Written] {
        try makeDirectory(directory)
        var renamed: [String] = []
        do {
            let written = try files.map { name, bytes in
                let path = (directory as NSString).appendingPathComponent(name)
                let temp = (directory as NSString).appendingPathComponent(temporaryName(for: name))
                if let code = writeSynced(bytes, to: temp) {
                    unlink(temp)
                    throw ArtifactWriteError(code: code, while: "writing \(name) in \(directory)")
                }
                guard rename(temp, path) == 0 else {
                    let code = errno
                    unlink(temp)
                    throw ArtifactWriteError(code: code, while: "writing \(name) in \(directory)")
                }
                renamed.append(path)
                return Written(name: name, path: path, sha256: RunIdentity.sha256Hex(bytes), bytes: bytes.count)
            }
            if let code = syncDirectory(directory) {
                throw ArtifactWriteError(code: code, while: "flushing the folder \(directory)")
            }
            return written
        } catch {
            for path in renamed { unlink(path) }
            throw error
        }
    }

    /// Places existing files in `directory` under the given names without copying their bytes:
    /// a hard link where the file system allows one (same file system), else a symbolic link to
    /// the file's absolute path. Each goes in under a temporary name and is renamed into place,
    /// then the folder is fsynced. A name that already is that very file is left alone.
    /// Returns the paths, in `files` order.
    public static func link(_ files: [(name: String, source: String)], into directory: String) throws -> [String] {
        try makeDirectory(directory)
        let paths = try files.map { name, source -> String in
            let path = (directory as NSString).appendingPathComponent(name)
            let original = URL(fileURLWithPath: source).standardizedFileURL.path
            var a = stat(), b = stat()
            if stat(original, &a) == 0, stat(path, &b) == 0, a.st_dev == b.st_dev, a.st_ino == b.st_ino { return path }
            let temp = (directory as NSString).appendingPathComponent(temporaryName(for: name))
            unlink(temp)
            guard systemLink(original, temp) == 0 || symlink(original, temp) == 0 else {
                throw ArtifactWriteError(code: errno, while: "linking \(name) in \(directory) to \(original)")
            }
            guard rename(temp, path) == 0 else {
                let code = errno
                unlink(temp)
                throw ArtifactWriteError(code: code, while: "linking \(name) in \(directory)")
            }
            return path
        }
        if let code = syncDirectory(directory) {
            throw ArtifactWriteError(code: code, while: "flushing the folder \(directory)")
        }
        return paths
    }

    /// `results/<experiment>/`, absolute.
    public static func experimentDirectory(results: String, experiment: String) -> String {
        URL(fileURLWithPath: results).standardizedFileURL.appendingPathComponent(experiment).path
    }

    /// `results/<experiment>/<run-id>/`, absolute.
    public static func runDirectory(results: String, experiment: String, runID: String) -> String {
        (experimentDirectory(results: results, experiment: experiment) as NSString).appendingPathComponent(runID)
    }

    /// Checks, before a grid starts, that artifacts can be written in `directory`: creates it and
    /// writes, flushes and removes a small file there.
    public static func checkWritable(_ directory: String) throws {
        try makeDirectory(directory)
        let probe = (directory as NSString).appendingPathComponent(temporaryName(for: "seglab-probe"))
        defer { unlink(probe) }
        if let code = writeSynced(Array("probe\n".utf8), to: probe) {
            throw ArtifactWriteError(code: code, while: "writing a test file in \(directory)")
        }
    }

    /// The pid in a temporary file's name, or nil if `fileName` is not one of this store's.
    public static func temporaryOwner(_ fileName: String) -> Int32? {
        guard fileName.hasPrefix("."), let marker = fileName.range(of: ".tmp-", options: .backwards) else { return nil }
        return Int32(fileName[marker.upperBound...])
    }

    /// Temporary files in `directory` and its subfolders (one level: the run folders) left by a
    /// process that is gone, or older than ten minutes (no write takes that long; this also
    /// covers a process of another host sharing the folder). A live process's file is left alone.
    public static func staleTemporaries(under directory: String) -> [String] {
        let fm = FileManager.default
        let subfolders = (try? fm.contentsOfDirectory(atPath: directory)) ?? []
        let folders = [directory] + subfolders.sorted().map { (directory as NSString).appendingPathComponent($0) }
        var stale: [String] = []
        for folder in folders {
            for name in ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).sorted() {
                guard let pid = temporaryOwner(name) else { continue }
                let path = (folder as NSString).appendingPathComponent(name)
                let age = ((try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date).map { -$0.timeIntervalSinceNow } ?? 0
                let alive = pid == getpid() || kill(pid, 0) == 0 || errno == EPERM
                if !alive || age > 600 { stale.append(path) }
            }
        }
        return stale
    }

    private static func temporaryName(for name: String) -> String { ".\(name).tmp-\(getpid())" }

    /// `mkdir -p`, flushing each parent whose entries it changed; a file in the way is named.
    private static func makeDirectory(_ path: String) throws {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw ArtifactWriteError(code: ENOTDIR, while: "creating the folder \(path)")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeDirectory(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw ArtifactWriteError(code: errno, while: "creating the folder \(path)")
        }
        _ = syncDirectory(parent)
    }

    /// Writes `bytes` to a new file at `path` and fsyncs it; returns errno on failure.
    private static func writeSynced(_ bytes: [UInt8], to path: String) -> Int32? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return errno }
        var failure: Int32?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == nil { failure = errno }
        return failure
    }

    /// fsyncs a folder, so the names renamed or created in it survive a crash; returns errno on failure.
    private static func syncDirectory(_ path: String) -> Int32? {
        let fd = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        return fsync(fd) == 0 ? nil : errno
    }
}

/// An artifact that could not be written, in words: "no space left on device while writing
/// labels.csv in /…/results/exp/1a2b3c4d5e6f".
public struct ArtifactWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `errno` of the failed call.
    public var code: Int32
    /// What was being done: "writing labels.csv in /…", "creating the folder /…".
    public var context: String

    public init(code: Int32, while context: String) {
        self.code = code
        self.context = context
    }

    public var description: String {
        // ENOTDIR's own text ("Not a directory") does not say which path is the file.
        let reason = code == ENOTDIR ? "a file is in the way (the path or one of its parents is not a folder)"
                                     : String(cString: strerror(code))
        return reason.prefix(1).lowercased() + reason.dropFirst() + " while " + context
    }
}
