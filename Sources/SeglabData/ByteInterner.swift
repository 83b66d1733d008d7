import Foundation
import SeglabNumerics

/// An open-addressing hash index over byte strings kept elsewhere: it stores only each
/// entry's number and hash bits and hands equality checks back to the caller. Entries are
/// numbered in insertion order, so nothing built on it depends on hash or table order.
struct ByteHashIndex {
    /// 0 = empty, else the hash's upper 32 bits (which also pick the slot) above entry + 1,
    /// so a probe touches one word and calls `matches` only on a 32-bit hash match.
    private var slots: [UInt64]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// A fast 64-bit hash of `bytes` (word-at-a-time multiply-xorshift mixing).
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawBufferPointer(bytes)
        let n = raw.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var i = 0
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            for k in i ..< n { w |= UInt64(raw[k]) << (8 * UInt64(k - i)) }
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
        }
        h = (h ^ (h >> 32)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }

    /// The entry with this hash for which `matches` holds, else the free slot to insert at.
    @inline(__always)
    func find(hash: UInt64, matches: (Int) -> Bool) -> (entry: Int?, slot: Int) {
        let tag = hash >> 32
        var s = Int(truncatingIfNeeded: tag) & mask
        while true {
            let word = slots[s]
            if word == 0 { return (nil, s) }
            if word >> 32 == tag, matches(Int(word & 0xFFFF_FFFF) - 1) { return (Int(word & 0xFFFF_FFFF) - 1, s) }
            s = (s + 1) & mask
        }
    }

    /// The first slot `find` reads for `hash`: reading it ahead for a batch of keys lets their
    /// cache misses overlap instead of queueing.
    @inline(__always)
    func firstSlot(hash: UInt64) -> UInt64 { slots[Int(truncatingIfNeeded: hash >> 32) & mask] }

    /// Adds a new entry at the slot `find` returned; returns its number.
    @discardableResult
    mutating func insert(hash: UInt64, slot: Int) -> Int {
        let e = count
        slots[slot] = (hash >> 32) << 32 | UInt64(e + 1)
        count += 1
        if count * 2 > slots.count { rehash() }
        return e
    }

    private mutating func rehash() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        for word in old where word != 0 {
            var s = Int(truncatingIfNeeded: word >> 32) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = word
        }
    }
}

/// Numbers distinct byte strings (customer ids, invoices, products) 0, 1, 2… in order of
/// first appearance, keeping one copy of each. Consecutive repeats (rows of one invoice)
/// skip the hash lookup.
struct ByteInterner {
    private var index = ByteHashIndex()
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    private var last = -1

    var count: Int { index.count }

    private func bytesEqual(_ e: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = offsets[e], n = offsets[e + 1] - start
        guard n == key.count else { return false }
        if n == 0 { return true }
        return arena.withUnsafeBufferPointer { stored in
            // Ids and invoice numbers are short: compare inline rather than call memcmp.
            let a = stored.baseAddress! + start, b = key.baseAddress!
            guard n <= 16 else { return memcmp(a, b, n) == 0 }
            for k in 0 ..< n where a[k] != b[k] { return false }
            return true
        }
    }

    /// The number of `key`, adding it when new.
    @inline(__always)
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>) -> Int32 { intern(key, hash: nil) }

    /// The number of `key`, whose `ByteHashIndex.hash` is `hash` (computed elsewhere, e.g. on
    /// the thread that parsed it), adding it when new.
    @inline(__always)
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64?) -> Int32 {
        if last >= 0, bytesEqual(last, key) { return Int32(last) }
        let h = hash ?? ByteHashIndex.hash(key)
        let (found, slot) = index.find(hash: h) { bytesEqual($0, key) }
        if let found { last = found; return Int32(found) }
        arena.append(contentsOf: key)
        offsets.append(arena.count)
        last = index.insert(hash: h, slot: slot)
        return Int32(last)
    }

    /// Reads ahead the first slot each of `hashes` (`ByteHashIndex.hash` of keys about to be
    /// interned) probes.
    mutating func prefetch<S: Sequence>(hashes: S) where S.Element == UInt64 {
        var touched: UInt64 = 0
        for h in hashes { touched &+= index.firstSlot(hash: h) }
        sink = touched
    }

    /// Keeps `prefetch`'s reads from being optimised away.
    private var sink: UInt64 = 0

    /// The text of entry `i`.
    func string(_ i: Int) -> String {
        String(decoding: arena[offsets[i] ..< offsets[i + 1]], as: UTF8.self)
    }
}

/// Finds exact duplicate records of a CSV file: two records are duplicates when their raw
/// text (terminator excluded) is byte-identical. Remembers each distinct record's span.
struct RecordDeduplicator {
    private let reader: CSVReader
    private var index: ByteHashIndex
    private var kept: [CSVReader.RecordSpan] = []

    init(_ reader: CSVReader, capacity: Int = 1 << 16) {
        self.reader = reader
        index = ByteHashIndex(capacity: capacity)
    }

    /// The line of the earlier identical record, or nil (and the record is remembered).
    mutating func earlierCopy(of span: CSVReader.RecordSpan) -> Int? {
        earlierCopy(of: span, hash: ByteHashIndex.hash(reader.bytes(span)))
    }

    private mutating func earlierCopy(of span: CSVReader.RecordSpan, hash h: UInt64) -> Int? {
        let bytes = reader.bytes(span)
        let (found, slot) = index.find(hash: h) { e in
            let other = reader.bytes(kept[e])
            return other.count == bytes.count && (bytes.isEmpty || memcmp(other.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        }
        if let found { return kept[found].line }
        index.insert(hash: h, slot: slot)
        kept.append(span)
        return nil
    }
}

/// Finds exact duplicate records of a streamed CSV file: a record is a copy when an earlier
/// record has the very same bytes. One 8-byte slot per distinct record — the record's offset
/// in the file in as few bits as the file's size needs, and the rest of the word for the top
/// bits of the record's hash (the tag) — and a tag match is confirmed by reading both records
/// again, so the answer is exact while memory stays far below the file's size.
///
/// The slot a record starts probing at is the tag's top bits, so the entries a probe meets
/// share those bits; what tells them apart is the tag bits below them. Below 4 GB a file's
/// offsets take at most 32 bits, which leaves the tag 32 and, at 2^25 slots, 7 bits beyond the
/// slot's: rereads for false matches are a fraction of a percent of the records (a fixed
/// 38/26 split left 1 bit, and a quarter of all records were reread at 20M rows).
///
/// Records come in batches (`prefetch` every key of a batch, then `isCopy` each in order): the
/// touches' cache misses overlap instead of queueing.
struct StreamingDeduplicator {
    /// Where a record lies in the file, and the hash of its bytes.
    struct Key {
        var hash: UInt64, offset: Int, length: Int
    }

    private var slots: [UInt64]
    private var shift: UInt64
    private var count = 0
    private var scratch: [UInt8] = []
    private let reader: CSVReader
    /// Bits of a slot holding offset + 1 (enough for the file's size), and the tag's bits.
    private let offsetBits: UInt64, tagBits: UInt64

    init(_ reader: CSVReader) {
        self.reader = reader
        offsetBits = UInt64(max(Int.bitWidth - (reader.fileSize + 1).leadingZeroBitCount, 1))
        tagBits = 64 - offsetBits
        slots = [UInt64](repeating: 0, count: 1 << 16)
        shift = 64 - 16
    }

    /// The key of the current record of `csv`.
    static func key(_ csv: CSVReader) throws -> Key {
        let span = csv.recordSpan
        // Offsets past the size the file had when opened would not fit the slot's offset bits.
        guard span.start < csv.fileSize else {
            throw DataError(file: csv.path, "the file changed while being read; read it again when it is complete")
        }
        return Key(hash: ByteHashIndex.hash(csv.recordBytes), offset: span.start, length: span.end - span.start)
    }

    /// Reads the first slot each key probes, so that the `isCopy` calls that follow find them
    /// in cache (the reads are independent: their misses overlap).
    mutating func prefetch<S: Sequence>(_ keys: S) where S.Element == Key {
        var touched: UInt64 = 0
        for key in keys { touched &+= slots[slotIndex(key.hash >> (64 - tagBits))] }
        sink = touched
    }

    /// Keeps `prefetch`'s reads from being optimised away.
    private var sink: UInt64 = 0

    /// Whether the record copies an earlier one; if not, it is remembered.
    mutating func isCopy(_ key: Key) throws -> Bool {
        let tag = key.hash >> (64 - tagBits)
        let mask = slots.count - 1
        var s = slotIndex(tag)
        while true {
            let word = slots[s]
            if word == 0 { break }
            if word >> offsetBits == tag, try sameRecord(at: Int(word & (1 << offsetBits - 1)) - 1, key) { return true }
            s = (s + 1) & mask
        }
        slots[s] = tag << offsetBits | UInt64(key.offset + 1)
        count += 1
        if count * 4 > slots.count * 3 { grow(projecting: key.offset + key.length) }
        return false
    }

    /// The first slot a tag probes: its top bits.
    @inline(__always)
    private func slotIndex(_ tag: UInt64) -> Int {
        let bits = 64 - shift
        return bits <= tagBits ? Int(tag >> (tagBits - bits)) : Int(tag << (bits - tagBits))
    }

    /// Doubles the table, or at once grows it to fit the records the rest of the file will
    /// likely hold at the rate seen so far (`bytesSoFar`): a large file then skips the
    /// intermediate sizes and the transient of holding two large tables at once. The size
    /// changes speed and memory only, never an answer.
    private mutating func grow(projecting bytesSoFar: Int) {
        let projected = Double(count) * Double(reader.fileSize) / Double(max(bytesSoFar, 1)) * 1.1
        var size = slots.count * 2
        while Double(size) * 0.75 < projected { size *= 2 }
        let old = slots
        slots = [UInt64](repeating: 0, count: size)
        shift = 64 - UInt64(size.trailingZeroBitCount)
        let mask = slots.count - 1
        for word in old where word != 0 {
            var s = slotIndex(word >> offsetBits)
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = word
        }
    }

    /// Whether the record starting at `offset` is the record `key`: the same bytes, then the
    /// end of the record (a line break or the end of the file). Parsing is a function of the
    /// bytes, so an earlier record that starts with a whole identical record and then a line
    /// break ends there.
    private mutating func sameRecord(at offset: Int, _ key: Key) throws -> Bool {
        let n = key.length, available = min(n + 1, reader.fileSize - offset)
        guard available >= n else { return false }
        if scratch.count < n + available { scratch = [UInt8](repeating: 0, count: n + available) }
        return try scratch.withUnsafeMutableBufferPointer { s in
            let earlier = s.baseAddress!, current = earlier + available
            try reader.reread(at: offset, count: available, into: earlier)
            try reader.reread(at: key.offset, count: n, into: current)
            guard n == 0 || memcmp(earlier, current, n) == 0 else { return false }
            return available == n || earlier[n] == 0x0A || earlier[n] == 0x0D
        }
    }
}
