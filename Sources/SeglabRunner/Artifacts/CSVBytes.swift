/// CSV text built straight into bytes, for artifacts of a million rows: no `String` per cell.
///
/// Fields are quoted only when they hold a comma, a quote or a line break (RFC 4180), and
/// reals are written in the shortest form that reads back to the same Double — the bytes of
/// `Double.description`, from the same runtime routine.
///
///     var csv = CSVBytes()
///     csv.field("customer_id"); csv.comma(); csv.int(3); csv.newline()
struct CSVBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func comma() { bytes.append(0x2C) }
    mutating func newline() { bytes.append(0x0A) }

    /// A text field, quoted (with quotes doubled) when it holds `,` `"` CR or LF.
    mutating func field(_ s: String) {
        var s = s
        s.withUTF8 { u in
            guard u.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
                bytes.append(contentsOf: u)
                return
            }
            bytes.append(0x22)
            for b in u {
                if b == 0x22 { bytes.append(0x22) }
                bytes.append(b)
            }
            bytes.append(0x22)
        }
    }

    /// Fields separated by commas, then a line break.
    mutating func row(_ fields: [String]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { comma() }
            field(f)
        }
        newline()
    }

    /// Bytes already in CSV form (a record built elsewhere).
    mutating func append(_ raw: [UInt8]) { bytes += raw }

    /// An integer in decimal.
    mutating func int(_ v: Int) {
        if v < 0 { bytes.append(0x2D) }
        var m = v.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var n = 0
            repeat {
                digits[n] = UInt8(truncatingIfNeeded: m % 10) &+ 0x30
                m /= 10
                n += 1
            } while m > 0
            for k in stride(from: n - 1, through: 0, by: -1) { bytes.append(digits[k]) }
        }
    }

    /// A real in shortest round-trip form, byte for byte `d.description`.
    mutating func real(_ d: Double) {
        guard !d.isNaN else { bytes.append(contentsOf: "nan".utf8); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            // Since Swift 6.2 the routine expects a buffer pre-filled with "0" characters (it
            // writes only the digits that differ); older runtimes write every byte.
            buffer.initialize(repeating: 0x30)
            let n = swiftFloat64ToString(buffer.baseAddress!, 32, d, false)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0 ..< Int(n)]))
        }
    }
}

/// The Swift runtime's shortest round-trip formatter, the one behind `Double.description`
/// (which adds only the "nan" case): calling it directly writes the same bytes without
/// building a String per value. `CSVBytesTests` checks the bytes against `description`.
@_silgen_name("swift_float64ToString")
private func swiftFloat64ToString(_ buffer: UnsafeMutablePointer<UInt8>, _ bufferLength: UInt, _ value: Double,
                                  _ debug: Bool) -> UInt64
