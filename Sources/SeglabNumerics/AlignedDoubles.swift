#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Contiguous `Double`s whose first element starts a 64-byte cache line, with an array's value
/// semantics (copied when a shared copy is written).
///
/// A Swift array's elements start 48 bytes into a cache line here (the allocator's header and
/// the array's), so every 64-byte row of a matrix of eight features spans two lines: the
/// K-Means kernels, which read scattered rows, then wait on twice the lines (the nearest-two
/// kernel took 1.6–2.8 times as long on a quarter to a tenth of the rows, scattered, in a
/// micro-benchmark). Aligning a copy per fit cost more in page faults than it gained; owning
/// the alignment from the start costs nothing.
public struct AlignedDoubles: RandomAccessCollection, MutableCollection, Equatable, Sendable, ExpressibleByArrayLiteral {
    @usableFromInline
    final class Buffer: @unchecked Sendable {
        @usableFromInline let base: UnsafeMutablePointer<Double>
        @usableFromInline let count: Int

        /// Uninitialised memory for `count` values (the caller initialises it).
        @usableFromInline
        init(count: Int) {
            self.count = count
            var raw: UnsafeMutableRawPointer?
            let status = posix_memalign(&raw, 64, Swift.max(1, count) * MemoryLayout<Double>.stride)
            precondition(status == 0 && raw != nil, "cannot allocate \(count) values")
            base = raw!.bindMemory(to: Double.self, capacity: Swift.max(1, count))
        }

        deinit { free(base) }
    }

    @usableFromInline var buffer: Buffer

    public init(repeating value: Double, count: Int) {
        buffer = Buffer(count: count)
        buffer.base.initialize(repeating: value, count: count)
    }

    public init<S: Sequence>(_ values: S) where S.Element == Double {
        let array = values as? [Double] ?? Array(values)
        buffer = Buffer(count: array.count)
        array.withUnsafeBufferPointer { buffer.base.initialize(from: $0.baseAddress!, count: $0.count) }
    }

    public init(arrayLiteral values: Double...) { self.init(values) }

    /// `count` values written by `body` into uninitialised, aligned memory (every one of them).
    public init(unsafeUninitializedCount count: Int, initializingWith body: (UnsafeMutableBufferPointer<Double>) throws -> Void) rethrows {
        buffer = Buffer(count: count)
        try body(UnsafeMutableBufferPointer(start: buffer.base, count: count))
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { buffer.count }

    @inlinable
    public func index(after i: Int) -> Int { i + 1 }
    @inlinable
    public func index(before i: Int) -> Int { i - 1 }

    @inlinable
    public subscript(position: Int) -> Double {
        get {
            precondition(position >= 0 && position < buffer.count, "index \(position) out of range 0..<\(buffer.count)")
            return buffer.base[position]
        }
        set {
            precondition(position >= 0 && position < buffer.count, "index \(position) out of range 0..<\(buffer.count)")
            makeUnique()
            buffer.base[position] = newValue
        }
    }

    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: buffer.base, count: buffer.count))
    }

    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        makeUnique()
        var pointer = UnsafeMutableBufferPointer(start: buffer.base, count: buffer.count)
        let base = pointer.baseAddress, count = pointer.count
        defer { precondition(pointer.baseAddress == base && pointer.count == count, "the buffer was replaced") }
        return try body(&pointer)
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
    }

    public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R? {
        try withUnsafeBufferPointer(body)
    }

    public static func == (a: AlignedDoubles, b: AlignedDoubles) -> Bool {
        a.buffer === b.buffer || a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { a.elementsEqual($0) } }
    }

    @usableFromInline
    mutating func makeUnique() {
        guard !isKnownUniquelyReferenced(&buffer) else { return }
        let copy = Buffer(count: buffer.count)
        copy.base.initialize(from: buffer.base, count: buffer.count)
        buffer = copy
    }
}
