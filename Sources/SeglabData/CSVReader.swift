import Foundation

/// A hand-written RFC 4180 reader over the bytes of a UTF-8 file: the header, then one record
/// at a time, each field a byte span into the file (no per-field allocation).
///
/// Rules: fields are separated by `,`, records end with LF, CRLF or a lone CR; a field in
/// double quotes may hold commas, line breaks and doubled quotes (`""`); a quote inside an
/// unquoted field is kept as a literal (as pandas and Python's csv do); a leading UTF-8 BOM is
/// skipped; blank lines are skipped. Bad input — another encoding, invalid UTF-8, an
/// unterminated quote, text after a closing quote, a record with the wrong number of fields,
/// an empty file, a repeated header name — throws a `DataError` naming the row (the 1-based
/// line where the record starts, the header being line 1) and the column.
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
    /// Byte offsets of the current record's text (terminator excluded), for duplicate checks.
    private var recordStart = 0, recordEnd = 0

    /// The whole file, read once; owned by the reader so field spans stay valid while it lives.
    private let storage: UnsafeMutablePointer<UInt8>
    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var pos: Int
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

    /// Reads the file in one go (or copies `contents`), checks its encoding and parses the header.
    init(path: String, contents: [UInt8]? = nil) throws {
        self.path = path
        (storage, end) = try contents.map(Self.copy) ?? Self.readAll(path)
        base = UnsafePointer(storage)
        pos = 0
        capacity = 64
        starts = .allocate(capacity: capacity)
        ends = .allocate(capacity: capacity)
        escaped = .allocate(capacity: capacity)
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
        starts.deallocate(); ends.deallocate(); escaped.deallocate(); storage.deallocate()
    }

    /// Bytes already in memory, in a buffer the reader owns like a file's.
    private static func copy(_ bytes: [UInt8]) -> (UnsafeMutablePointer<UInt8>, Int) {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        bytes.withUnsafeBufferPointer { if let b = $0.baseAddress { buffer.initialize(from: b, count: $0.count) } }
        return (buffer, bytes.count)
    }

    /// The file's bytes in one buffer (one `read` loop; no per-line I/O).
    /// The path is checked with `stat` first (a FIFO would block `open`), and opened without
    /// blocking in case it was replaced by one in between.
    private static func readAll(_ path: String) throws -> (UnsafeMutablePointer<UInt8>, Int) {
        if let problem = InputFile.problem(at: path) { throw DataError(file: path, "cannot read the file: \(problem)") }
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw DataError(file: path, "cannot read the file (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw DataError(file: path, "cannot read the file (not a regular file)")
        }
        let size = Int(st.st_size)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(size, 1))
        var done = 0
        while done < size {
            let n = read(fd, buffer + done, size - done)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                buffer.deallocate()
                throw DataError(file: path, "cannot read the file (\(n < 0 ? String(cString: strerror(errno)) : "it shrank while being read"))")
            }
            done += n
        }
        return (buffer, size)
    }

    /// The column index of `name`, or a `DataError` listing the header.
    func column(_ name: String, role: String) throws -> Int {
        guard let j = header.firstIndex(of: name) else {
            throw DataError(file: path, row: 1, column: name,
                            "no column named '\(excerpt(name))' (the \(role) column); the header has: \(excerptList(header))")
        }
        return j
    }

    /// Goes back to the first record after the header (for a second pass).
    func rewind() { pos = bodyPos; nextLine = bodyLine }

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

    /// Where a record lies in the file: its bytes (terminator excluded) and first line.
    struct RecordSpan {
        var start: Int, end: Int, line: Int
    }

    /// The current record's span.
    var recordSpan: RecordSpan { RecordSpan(start: recordStart, end: recordEnd, line: line) }

    /// The bytes of a record read earlier (the file stays in memory while the reader lives).
    @inline(__always)
    func bytes(_ span: RecordSpan) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)
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

    /// Parses one record into the field spans; `expecting` is the header's field count.
    /// Works on local copies of the cursor (class properties would pay exclusivity checks per byte).
    private func readRecord(expecting expected: Int?) throws -> Bool {
        let b = base, e = end
        var p = pos, lineNo = nextLine
        defer { pos = p; nextLine = lineNo }
        // Skip blank lines (as pandas does).
        while p < e, b[p] == Self.lf || b[p] == Self.cr {
            if b[p] == Self.cr, p + 1 < e, b[p + 1] == Self.lf { p += 1 }
            p += 1; lineNo += 1
        }
        guard p < e else { return false }
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
                if p < e, b[p] == Self.quote {
                    p += 1
                    st[n] = p
                    var hasDoubled = false
                    while true {
                        while p < e, table[Int(b[p])] & 2 == 0 { p += 1 }
                        guard p < e else {
                            throw DataError(file: path, row: recordLine, column: columnName(n),
                                            "the quoted field is never closed (unterminated quote or truncated file)")
                        }
                        if b[p] == Self.quote {
                            if p + 1 < e, b[p + 1] == Self.quote { hasDoubled = true; p += 2; continue }
                            break
                        }
                        if b[p] == Self.lf { lineNo += 1; p += 1; continue }
                        p += try specialByteLength(at: p, line: recordLine, field: n)
                    }
                    en[n] = p
                    esc[n] = hasDoubled
                    p += 1  // closing quote
                    if p < e, b[p] != Self.comma, b[p] != Self.lf, b[p] != Self.cr {
                        throw DataError(file: path, row: recordLine, column: columnName(n),
                                        "unexpected text after the closing quote of a quoted field")
                    }
                } else {
                    st[n] = p
                    while true {
                        while p < e, table[Int(b[p])] & 1 == 0 { p += 1 }
                        guard p < e, b[p] == 0 || b[p] >= 0x80 else { break }
                        p += try specialByteLength(at: p, line: recordLine, field: n)
                    }
                    en[n] = p
                    esc[n] = false
                }
                n += 1
                if p < e, b[p] == Self.comma { p += 1; continue }
                recordEnd = p
                if p < e {
                    if b[p] == Self.cr, p + 1 < e, b[p + 1] == Self.lf { p += 1 }
                    p += 1
                    lineNo += 1
                }
                break
            }
        }
        fieldCount = n
        if let expected, n < expected {
            throw DataError(file: path, row: recordLine, column: header[n],
                            "has \(n) field\(n == 1 ? "" : "s") but the header has \(expected) columns (missing from '\(excerpt(header[n]))' on; truncated line?)")
        }
        return true
    }
}
