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
            // At least one value's bytes: no allocator is asked for none.
            base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, count) * MemoryLayout<Double>.stride, alignment: 64)
                .bindMemory(to: Double.self, capacity: count)
        }

        deinit { UnsafeMutableRawPointer(base).deallocate() }
    }

    @usableFromInline var buffer: Buffer

    public init(repeating value: Double, count: Int) {
        buffer = Buffer(count: count)
        buffer.base.initialize(repeating: value, count: count)
    }

    /// Contiguous sources (arrays, slices, buffers) are copied once; others go through an array.
    public init<S: Sequence>(_ values: S) where S.Element == Double {
        self = values.withContiguousStorageIfAvailable(Self.init(copying:))
            ?? Array(values).withUnsafeBufferPointer(Self.init(copying:))
    }

    @usableFromInline
    init(copying source: UnsafeBufferPointer<Double>) {
        buffer = Buffer(count: source.count)
        if let base = source.baseAddress { buffer.base.initialize(from: base, count: source.count) }
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
        self = withUnsafeBufferPointer(Self.init(copying:))
    }
}
