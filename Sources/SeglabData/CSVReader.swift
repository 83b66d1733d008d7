import Foundation

/// A hand-written RFC 4180 reader over the bytes of a UTF-8 file: the header, then one record
/// at a time, each field a byte span into the reader's buffer (no per-field allocation).
///
/// Rules: fields are separated by `,`, records end with LF, CRLF or a lone CR; a field in
/// double quotes may hold commas, line breaks and doubled quotes (`""`); a quote inside an
/// unquoted field is kept as a literal (as pandas and Python's csv do); a leading UTF-8 BOM is
/// skipped; blank lines are skipped. Bad input — another encoding, invalid UTF-8, an
/// unterminated quote, text after a closing quote, a record with the wrong number of fields,
/// an empty file, a repeated header name — throws a `DataError` naming the row (the 1-based
/// line where the record starts, the header being line 1) and the column.
///
/// Two ways to hold the file: whole (one buffer; records read earlier stay addressable, and
/// `rewind` starts over), or streamed in blocks (`blockSize`): memory stays one block plus the
/// longest record, a field is valid until the next record, and records read earlier are
/// known by their offset in the file. Either way every byte is read once and hashed
/// (`fingerprint`), and both give the same records and the same errors.
///
///     let csv = try CSVReader(path: path)
///     while try csv.next() { let id = csv.string(0) }
///
/// With `contents`, the bytes are already in memory (a request body of `seglab serve`) and
/// `path` only names them in messages.
final class CSVReader {
    let path: String
    /// Header names, in file order.
    private(set) var header: [String] = []
    /// 1-based line where the current record starts.
    private(set) var line = 0
    /// Buffer offsets of the current record's text (terminator excluded), for duplicate checks.
    private var recordStart = 0, recordEnd = 0

    private let file: FileReader
    /// The buffer: `storage[0 ..< end]` holds the file's bytes from offset `fileOffset`.
    private var storage: UnsafeMutablePointer<UInt8>
    private var base: UnsafePointer<UInt8>
    private var storageCapacity: Int
    private var end = 0
    private var fileOffset = 0
    /// The whole file has been read into the buffer.
    private var atEOF = false
    /// Bytes read per block when streaming; nil when the file is held whole.
    private let blockSize: Int?
    private var pos = 0
    private var nextLine = 1
    /// Where the first record after the header starts, for `rewind()`.
    private var bodyPos = 0, bodyLine = 1
    private var capacity: Int
    private var fieldCount = 0
    // Read for every field access: exempt from dynamic exclusivity checks (only `grow` and
    // `readRecord` write them, never during an access).
    @exclusivity(unchecked) private var starts: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var ends: UnsafeMutablePointer<Int>
    /// Whether a field was quoted and holds a doubled quote, so its bytes need unescaping.
    @exclusivity(unchecked) private var escaped: UnsafeMutablePointer<Bool>

    /// Opens the file (or takes `contents`), checks its encoding and parses the header. Without
    /// `blockSize` the whole file is read at once; with it, the file is streamed in blocks of that size.
    init(path: String, contents: [UInt8]? = nil, blockSize: Int? = nil, progress: ReadProgress? = nil) throws {
        self.path = path
        self.blockSize = blockSize.map { max($0, 1) }
        file = try contents.map { FileReader(path: path, contents: $0) } ?? FileReader(path: path, progress: progress)
        storageCapacity = blockSize ?? file.size + 1
        storage = .allocate(capacity: storageCapacity)
        base = UnsafePointer(storage)
        capacity = 64
        starts = .allocate(capacity: capacity)
        ends = .allocate(capacity: capacity)
        escaped = .allocate(capacity: capacity)
        _ = try refill()
        // A whole file that grew since it was opened still reads fully; a stream shows its first
        // 4 KiB to the encoding check, as a whole file does.
        while blockSize == nil || end < 4096, try refill() {}
        try checkEncoding()
        guard try readRecord(expecting: nil) else { throw DataError(file: path, row: 1, "the file is empty (no header row)") }
        header = (0 ..< fieldCount).map { string($0) }
        bodyPos = pos; bodyLine = nextLine
        var seen = Set<String>()
        for name in header where !seen.insert(name).inserted {
            throw DataError(file: path, row: 1, column: name, "the header names this column twice")
        }
    }

    deinit {
        file.waitForHashing()
        starts.deallocate(); ends.deallocate(); escaped.deallocate(); storage.deallocate()
    }

    /// Reads more of the file behind the unconsumed bytes (from the current record's start on),
    /// growing the buffer when one record fills it. False at the end of the file.
    private func refill() throws -> Bool {
        guard !atEOF else { return false }
        // The bytes about to move or be overwritten may still be being hashed.
        file.waitForHashing()
        if blockSize != nil, pos > 0 {
            // Move the unconsumed tail (a partial record) to the front.
            let keep = pos
            storage.update(from: storage + keep, count: end - keep)
            end -= keep; pos -= keep; recordStart -= keep; recordEnd -= keep
            fileOffset += keep
        }
        // A whole file is read with one byte to spare, so the short read that ends it comes at once.
        let want = blockSize ?? max(file.size + 1 - end, 1 << 16)
        if storageCapacity - end < want {
            let newCapacity = max(storageCapacity * 2, end + want)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            grown.update(from: storage, count: end)
            storage.deallocate()
            storage = grown
            storageCapacity = newCapacity
            base = UnsafePointer(storage)
        }
        let requested = storageCapacity - end
        let n = try file.read(into: storage + end, count: requested)
        end += n
        if n < requested { atEOF = true }
        return n > 0
    }

    /// The SHA-256 of the file's bytes, once every record has been read (`next()` returned
    /// false), or at once when the file is held whole.
    func fingerprint() throws -> String { try file.fingerprint() }

    /// The column index of `name`, or a `DataError` listing the header.
    func column(_ name: String, role: String) throws -> Int {
        guard let j = header.firstIndex(of: name) else {
            throw DataError(file: path, row: 1, column: name,
                            "no column named '\(excerpt(name))' (the \(role) column); the header has: \(excerptList(header))")
        }
        return j
    }

    /// Goes back to the first record after the header (for a second pass; whole files only).
    func rewind() {
        precondition(blockSize == nil, "a streamed file cannot be rewound")
        pos = bodyPos; nextLine = bodyLine
    }

    /// Advances to the next record; false at the end of the file.
    func next() throws -> Bool { try readRecord(expecting: header.count) }

    /// The raw bytes of field `i` (inside the quotes; a doubled quote is still doubled, see
    /// `withValue` and `string`).
    @inline(__always)
    func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + starts[i], count: ends[i] - starts[i])
    }

    @inline(__always)
    func isEmpty(_ i: Int) -> Bool { ends[i] == starts[i] }

    /// Field `i` as text, doubled quotes undone.
    func string(_ i: Int) -> String {
        let raw = field(i)
        guard escaped[i] else { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: Self.unescape(raw), as: UTF8.self)
    }

    /// Field `i`'s value bytes, doubled quotes undone, handed to `body`.
    @inline(__always)
    func withValue<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        guard escaped[i] else { return try body(field(i)) }
        return try Self.unescape(field(i)).withUnsafeBufferPointer(body)
    }

    /// Where a record lies in the file: its bytes (terminator excluded, offsets in the file)
    /// and first line.
    struct RecordSpan {
        var start: Int, end: Int, line: Int
    }

    /// The current record's span.
    var recordSpan: RecordSpan { RecordSpan(start: fileOffset + recordStart, end: fileOffset + recordEnd, line: line) }

    /// The current record's bytes (terminator excluded), valid until the next record.
    var recordBytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + recordStart, count: recordEnd - recordStart)
    }

    /// The bytes of a record read earlier (whole files only: they stay in memory while the
    /// reader lives).
    @inline(__always)
    func bytes(_ span: RecordSpan) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)
    }

    /// The file's size when it was opened.
    var fileSize: Int { file.size }

    /// `count` bytes of the file at `offset`, read again (streamed files compare a record
    /// with an earlier one this way).
    func reread(at offset: Int, count: Int, into buffer: UnsafeMutablePointer<UInt8>) throws {
        try file.reread(at: offset, count: count, into: buffer)
    }

    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(raw.count)
        var k = 0
        while k < raw.count {
            out.append(raw[k])
            k += raw[k] == quote ? 2 : 1
        }
        return out
    }

    // MARK: - Encoding

    private func checkEncoding() throws {
        let b = UnsafeBufferPointer(start: base, count: end)
        func starts(with prefix: [UInt8]) -> Bool { b.count >= prefix.count && zip(prefix, b).allSatisfy { $0 == $1 } }
        if starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
        let named: String?
        if starts(with: [0xFF, 0xFE, 0, 0]) { named = "UTF-32 little-endian (byte-order mark FF FE 00 00)" }
        else if starts(with: [0, 0, 0xFE, 0xFF]) { named = "UTF-32 big-endian (byte-order mark 00 00 FE FF)" }
        else if starts(with: [0xFF, 0xFE]) { named = "UTF-16 little-endian (byte-order mark FF FE)" }
        else if starts(with: [0xFE, 0xFF]) { named = "UTF-16 big-endian (byte-order mark FE FF)" }
        else if let z = b.prefix(4096).firstIndex(of: 0) {
            // NUL bytes in text mean a wide encoding: their position in the 2/4-byte units says which.
            let zeros = (0 ..< min(4, b.count)).map { b[$0] == 0 }
            if zeros == [false, true, true, true] { named = "UTF-32 little-endian (NUL bytes)" }
            else if zeros == [true, true, true, false] { named = "UTF-32 big-endian (NUL bytes)" }
            else if zeros.count >= 2, zeros[0] != zeros[1] {
                named = zeros[1] ? "UTF-16 little-endian (NUL bytes)" : "UTF-16 big-endian (NUL bytes)"
            } else {
                throw DataError(file: path, row: Self.lineNumber(b, upTo: z),
                                "is not UTF-8 text: it contains a NUL byte at offset \(z)")
            }
        } else { named = nil }
        if let named {
            throw DataError(file: path, "is not UTF-8 (looks like \(named)); save it as UTF-8")
        }
    }

    private static func lineNumber(_ b: UnsafeBufferPointer<UInt8>, upTo offset: Int) -> Int {
        1 + b[..<offset].reduce(0) { $0 + ($1 == lf ? 1 : 0) }
    }

    /// The length of the valid UTF-8 character at `p` (lead byte ≥ 0x80), or throws naming
    /// the cell (invalid UTF-8 or a NUL byte).
    private func specialByteLength(at p: Int, line: Int, field: Int) throws -> Int {
        if base[p] >= 0x80, let n = UTF8Validation.sequenceLength(base, at: p, end: end) { return n }
        let hex = String(base[p], radix: 16, uppercase: true)
        let what = base[p] == 0 ? "a NUL byte" : "the invalid UTF-8 byte 0x\(hex) (Latin-1 or Windows-1252 text?)"
        throw DataError(file: path, row: line, column: columnName(field), "is not UTF-8: \(what); save the file as UTF-8")
    }

    private func columnName(_ field: Int) -> String? {
        header.isEmpty ? nil : (field < header.count ? header[field] : "field \(field + 1)")
    }

    // MARK: - Records

    /// A header with more columns is refused: no customer table has that many, and a 20 MB
    /// line of commas would otherwise allocate hundreds of megabytes of column names.
    static let maxColumns = 100_000

    private static let comma: UInt8 = 0x2C, quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

    /// Byte classes: bit 0 ends an unquoted run (comma, CR, LF, NUL, non-ASCII), bit 1 ends a
    /// quoted run (quote, LF, NUL, non-ASCII).
    private static let classes: [UInt8] = (0 ..< 256).map { b -> UInt8 in
        var c: UInt8 = 0
        if b == 0x2C || b == 0x0D || b == 0x0A || b == 0 || b >= 0x80 { c |= 1 }
        if b == 0x22 || b == 0x0A || b == 0 || b >= 0x80 { c |= 2 }
        return c
    }

    private func grow() {
        let newCapacity = capacity * 2
        func moved<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let q = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
            q.moveInitialize(from: p, count: capacity)
            p.deallocate()
            return q
        }
        starts = moved(starts); ends = moved(ends); escaped = moved(escaped)
        capacity = newCapacity
    }

    /// The record continues past the bytes in the buffer (streaming only): read more, parse again.
    private struct NeedMore: Error {}

    /// Parses one record into the field spans; `expecting` is the header's field count.
    private func readRecord(expecting expected: Int?) throws -> Bool {
        while true {
            do {
                return try parseRecord(expecting: expected)
            } catch is NeedMore {
                // At the end of the file the same bytes parse to a complete record or an error.
                _ = try refill()
            }
        }
    }

    /// One record from `pos`. Works on local copies of the cursor (class properties would pay
    /// exclusivity checks per byte) and commits them only when the record is complete. Where
    /// the buffer ends before the file does, the record might go on: `NeedMore`.
    private func parseRecord(expecting expected: Int?) throws -> Bool {
        let b = base, e = end, eof = atEOF
        var p = pos, lineNo = nextLine
        @inline(__always) func needMore() throws { if !eof { throw NeedMore() } }
        // Skip blank lines (as pandas does).
        while p < e, b[p] == Self.lf || b[p] == Self.cr {
            if b[p] == Self.cr {
                if p + 1 == e { try needMore() }
                if p + 1 < e, b[p + 1] == Self.lf { p += 1 }
            }
            p += 1; lineNo += 1
        }
        guard p < e else {
            try needMore()
            pos = p; nextLine = lineNo
            return false
        }
        let recordLine = lineNo
        line = recordLine
        recordStart = p
        var n = 0
        var (st, en, esc) = (starts, ends, escaped)
        let limit = expected ?? Self.maxColumns
        try Self.classes.withUnsafeBufferPointer { table in
            while true {
                if n == limit {
                    throw DataError(file: path, row: recordLine, expected == nil
                                    ? "the header has more than \(limit) columns (a line of commas?)"
                                    : "has more than \(limit) fields; the header has \(limit) columns")
                }
                if n == capacity { grow(); (st, en, esc) = (starts, ends, escaped) }
                if p == e { try needMore() }
                if p < e, b[p] == Self.quote {
                    p += 1
                    st[n] = p
                    var hasDoubled = false
                    while true {
                        while p < e, table[Int(b[p])] & 2 == 0 { p += 1 }
                        guard p < e else {
                            try needMore()
                            throw DataError(file: path, row: recordLine, column: columnName(n),
                                            "the quoted field is never closed (unterminated quote or truncated file)")
                        }
                        if b[p] == Self.quote {
                            if p + 1 == e { try needMore() }
                            if p + 1 < e, b[p + 1] == Self.quote { hasDoubled = true; p += 2; continue }
                            break
                        }
                        if b[p] == Self.lf { lineNo += 1; p += 1; continue }
                        if p + 4 > e { try needMore() }
                        p += try specialByteLength(at: p, line: recordLine, field: n)
                    }
                    en[n] = p
                    esc[n] = hasDoubled
                    p += 1  // closing quote
                    if p == e { try needMore() }
                    if p < e, b[p] != Self.comma, b[p] != Self.lf, b[p] != Self.cr {
                        throw DataError(file: path, row: recordLine, column: columnName(n),
                                        "unexpected text after the closing quote of a quoted field")
                    }
                } else {
                    st[n] = p
                    while true {
                        while p < e, table[Int(b[p])] & 1 == 0 { p += 1 }
                        if p == e { try needMore() }
                        guard p < e, b[p] == 0 || b[p] >= 0x80 else { break }
                        if p + 4 > e { try needMore() }
                        p += try specialByteLength(at: p, line: recordLine, field: n)
                    }
                    en[n] = p
                    esc[n] = false
                }
                n += 1
                if p < e, b[p] == Self.comma { p += 1; continue }
                recordEnd = p
                if p < e {
                    if b[p] == Self.cr {
                        if p + 1 == e { try needMore() }
                        if p + 1 < e, b[p + 1] == Self.lf { p += 1 }
                    }
                    p += 1
                    lineNo += 1
                }
                break
            }
        }
        fieldCount = n
        pos = p; nextLine = lineNo
        if let expected, n < expected {
            throw DataError(file: path, row: recordLine, column: header[n],
                            "has \(n) field\(n == 1 ? "" : "s") but the header has \(expected) columns (missing from '\(excerpt(header[n]))' on; truncated line?)")
        }
        return true
    }
}
