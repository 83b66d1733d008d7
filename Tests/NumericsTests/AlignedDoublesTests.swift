import XCTest
@testable import SeglabNumerics

final class AlignedDoublesTests: XCTestCase {
    private func address(_ values: AlignedDoubles) -> Int {
        values.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
    }

    func testEveryMatrixStartsACacheLine() {
        // Sizes on both sides of the allocator's switch to mapped pages (128 KB by default).
        for count in [0, 1, 7, 8, 1000, 20_000, 1_000_000] {
            XCTAssertEqual(address(AlignedDoubles(repeating: 0, count: count)) % 64, 0, "\(count) values")
            XCTAssertEqual(address(Matrix(rows: count / 8, cols: 8).storage) % 64, 0, "\(count / 8) rows")
            XCTAssertEqual(address(Matrix(rows: 3, cols: count / 3, storage: [Double](repeating: 1, count: 3 * (count / 3))).storage) % 64, 0)
        }
        let built = Matrix(rows: 4, cols: 2) { out in
            for i in out.indices { out[i] = Double(i) }
        }
        XCTAssertEqual(address(built.storage) % 64, 0)
        XCTAssertEqual(Array(built.storage), [0, 1, 2, 3, 4, 5, 6, 7])
    }

    func testCopiesAreValues() {
        let a: AlignedDoubles = [1, 2, 3]
        var b = a
        XCTAssertEqual(address(a), address(b), "a copy shares the buffer until written")
        b[1] = 20
        XCTAssertEqual(Array(a), [1, 2, 3])
        XCTAssertEqual(Array(b), [1, 20, 3])
        XCTAssertNotEqual(address(a), address(b))
        XCTAssertEqual(address(b) % 64, 0)

        var c = a
        c.withUnsafeMutableBufferPointer { $0[0] = -1 }
        XCTAssertEqual(Array(a), [1, 2, 3])
        XCTAssertEqual(Array(c), [-1, 2, 3])

        var m = Matrix(rows: 2, cols: 2, storage: [1, 2, 3, 4])
        let kept = m
        m[1, 1] = 40
        XCTAssertEqual(kept[1, 1], 4)
        XCTAssertEqual(m[1, 1], 40)
    }

    func testEqualityIsElementwise() {
        XCTAssertEqual(AlignedDoubles([1, 2, 3]), [1, 2, 3])
        XCTAssertNotEqual(AlignedDoubles([1, 2, 3]), [1, 2, 4])
        XCTAssertNotEqual(AlignedDoubles([1, 2]), [1, 2, 3])
        XCTAssertEqual(AlignedDoubles(repeating: 0.5, count: 3), [0.5, 0.5, 0.5])
        XCTAssertEqual(AlignedDoubles(stride(from: 0.0, to: 3, by: 1)), [0, 1, 2])
        XCTAssertEqual(Matrix(rows: 1, cols: 2, storage: [1, 2]), Matrix(rowArrays: [[1, 2]]))
    }
}
