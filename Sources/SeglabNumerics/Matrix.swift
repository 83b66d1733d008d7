/// A dense row-major matrix of `Double`: row `i` occupies `storage[i*cols ..< (i+1)*cols]`.
///
/// Contiguous storage lets kernels walk rows with unsafe buffer pointers and SIMD; it starts a
/// cache line (`AlignedDoubles`), so a row of eight features is one line.
///
///     var m = Matrix(rows: 2, cols: 3)
///     m[1, 2] = 4.5
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    public var storage: AlignedDoubles

    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && cols >= 0)
        self.rows = rows
        self.cols = cols
        self.storage = AlignedDoubles(repeating: value, count: rows * cols)
    }

    public init(rows: Int, cols: Int, storage: AlignedDoubles) {
        precondition(storage.count == rows * cols, "storage has \(storage.count) values, expected \(rows * cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    public init(rows: Int, cols: Int, storage: [Double]) {
        self.init(rows: rows, cols: cols, storage: AlignedDoubles(storage))
    }

    /// A `rows` × `cols` matrix whose values `body` writes, every one of them, row-major.
    public init(rows: Int, cols: Int, initializingWith body: (UnsafeMutableBufferPointer<Double>) throws -> Void) rethrows {
        precondition(rows >= 0 && cols >= 0)
        self.rows = rows
        self.cols = cols
        self.storage = try AlignedDoubles(unsafeUninitializedCount: rows * cols, initializingWith: body)
    }

    /// Builds a matrix from equal-length rows.
    public init(rowArrays: [[Double]]) {
        let cols = rowArrays.first?.count ?? 0
        var storage = [Double]()
        storage.reserveCapacity(rowArrays.count * cols)
        for row in rowArrays {
            precondition(row.count == cols, "ragged rows")
            storage.append(contentsOf: row)
        }
        self.init(rows: rowArrays.count, cols: cols, storage: storage)
    }

    @inlinable
    public subscript(row: Int, col: Int) -> Double {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    public func row(_ i: Int) -> [Double] {
        Array(storage[i * cols ..< (i + 1) * cols])
    }

    public func column(_ j: Int) -> [Double] {
        (0 ..< rows).map { storage[$0 * cols + j] }
    }

    /// The rows at `indices`, in that order.
    public func selectingRows(_ indices: [Int]) -> Matrix {
        var out = [Double]()
        out.reserveCapacity(indices.count * cols)
        for i in indices { out.append(contentsOf: storage[i * cols ..< (i + 1) * cols]) }
        return Matrix(rows: indices.count, cols: cols, storage: out)
    }

    /// The columns at `indices`, in that order.
    public func selectingColumns(_ indices: [Int]) -> Matrix {
        var out = [Double]()
        out.reserveCapacity(rows * indices.count)
        for i in 0 ..< rows {
            for j in indices { out.append(storage[i * cols + j]) }
        }
        return Matrix(rows: rows, cols: indices.count, storage: out)
    }
}
