/// UTF-8 validation by the Unicode standard's table of well-formed byte sequences (no
/// overlong forms, no surrogates, nothing above U+10FFFF), shared by the CSV reader and the
/// experiment parser, so that both name the first bad byte.
public enum UTF8Validation {
    /// Length of the valid UTF-8 sequence starting at `p` (lead byte ≥ 0x80) in `base[..<end]`,
    /// or nil.
    @inline(__always)
    public static func sequenceLength(_ base: UnsafePointer<UInt8>, at p: Int, end: Int) -> Int? {
        func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            p + k < end && base[p + k] >= lo && base[p + k] <= hi
        }
        switch base[p] {
        case 0xC2 ... 0xDF: return cont(1) ? 2 : nil
        case 0xE0: return cont(1, 0xA0) && cont(2) ? 3 : nil
        case 0xE1 ... 0xEC, 0xEE ... 0xEF: return cont(1) && cont(2) ? 3 : nil
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : nil
        case 0xF0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : nil
        case 0xF1 ... 0xF3: return cont(1) && cont(2) && cont(3) ? 4 : nil
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : nil
        default: return nil
        }
    }

    /// The offset of the first byte that is not part of well-formed UTF-8, or nil.
    public static func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return nil }
            var p = 0
            while p < b.count {
                if base[p] < 0x80 { p += 1; continue }
                guard let n = sequenceLength(base, at: p, end: b.count) else { return p }
                p += n
            }
            return nil
        }
    }
}
