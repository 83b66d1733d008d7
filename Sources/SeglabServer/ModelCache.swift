import Foundation
import SeglabRunner

/// Fitted models kept in memory between requests, least recently used first out, bounded in
/// count and in the total size of the `model.json` files they came from.
///
/// The key holds the run id and the SHA-256 the ledger records for `model.json` (and for
/// `profile.csv`, whose segment names the answers carry): a model is read and checked once,
/// and a run recomputed with other bytes is a new key, never a stale hit.
final class ModelCache: @unchecked Sendable {
    struct Key: Hashable, Sendable {
        var runID: String
        var modelSHA256: String
        var profileSHA256: String?
    }

    /// A model ready to assign with, and what the answers add to its labels.
    struct Entry: Sendable {
        var model: Assignment.Model
        /// Segment names by cluster id, where the profile has them.
        var segmentNames: [Int: String]
        /// Bytes of the `model.json` it was read from.
        var bytes: Int
    }

    private let lock = NSLock()
    private var entries: [(key: Key, entry: Entry)] = []   // most recently used last
    private let maxEntries: Int, maxBytes: Int
    private var loads = 0

    init(maxEntries: Int, maxBytes: Int) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    /// The cached entry for `key`, or the one `load` reads (outside the lock, so other runs'
    /// requests are not held up; two first requests for one run may both read it).
    func entry(_ key: Key, load: () throws -> Entry) throws -> Entry {
        if let hit = lookup(key) { return hit }
        let entry = try load()
        lock.withLock {
            loads += 1
            entries.removeAll { $0.key == key }
            entries.append((key, entry))
            var total = entries.reduce(0) { $0 + $1.entry.bytes }
            // Evict the least recently used, but always keep the newest entry.
            while entries.count > 1 && (entries.count > maxEntries || total > maxBytes) {
                total -= entries.removeFirst().entry.bytes
            }
        }
        return entry
    }

    /// How many times a model was read from disk (the tests check it is once per run).
    var loadCount: Int { lock.withLock { loads } }

    private func lookup(_ key: Key) -> Entry? {
        lock.withLock {
            guard let i = entries.firstIndex(where: { $0.key == key }) else { return nil }
            let hit = entries.remove(at: i)
            entries.append(hit)
            return hit.entry
        }
    }
}
