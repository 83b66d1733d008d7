import Foundation
import SeglabLedger

/// Writes artifact files atomically (a temporary file renamed into place), so a killed run
/// never leaves a half-written artifact behind.
public enum ArtifactStore {
    public struct Written: Sendable, Equatable {
        public var name: String
        public var path: String
        public var sha256: String
        public var bytes: Int
        public var record: ArtifactRecord { ArtifactRecord(name: name, path: path, sha256: sha256, bytes: bytes) }
    }

    public static func write(_ files: [(name: String, bytes: [UInt8])], into directory: String) throws -> [Written] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try files.map { name, bytes in
            let path = (directory as NSString).appendingPathComponent(name)
            let temp = path + ".tmp-\(getpid())"
            guard FileManager.default.createFile(atPath: temp, contents: Data(bytes)) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temp])
            }
            if rename(temp, path) != 0 {
                let reason = String(cString: strerror(errno))
                unlink(temp)
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: reason])
            }
            return Written(name: name, path: path, sha256: RunIdentity.sha256Hex(bytes), bytes: bytes.count)
        }
    }

    /// `results/<experiment>/<run-id>/`, absolute.
    public static func runDirectory(results: String, experiment: String, runID: String) -> String {
        let base = URL(fileURLWithPath: results).standardizedFileURL
        return base.appendingPathComponent(experiment).appendingPathComponent(runID).path
    }
}
