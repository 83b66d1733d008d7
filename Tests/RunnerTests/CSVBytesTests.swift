import XCTest
@testable import SeglabRunner
import SeglabNumerics

final class CSVBytesTests: XCTestCase {
    private func text(_ build: (inout CSVBytes) -> Void) -> String {
        var csv = CSVBytes()
        build(&csv)
        return String(decoding: csv.bytes, as: UTF8.self)
    }

    /// Artifacts' reals must stay the bytes of `Double.description` (their hashes are in users'
    /// ledgers): random bit patterns (every exponent, subnormals, NaN payloads) and edge values.
    func testRealsAreByteIdenticalToDescription() {
        var rng = Xoshiro256StarStar(seed: 7)
        var values: [Double] = [0, -0.0, 1, -1, 0.1, 1e-5, 1e16, 1e15 + 0.5, 123456789012345680, .pi, .infinity, -.infinity,
                                .nan, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 2.5e-308]
        for _ in 0 ..< 200_000 { values.append(Double(bitPattern: rng.next())) }
        for _ in 0 ..< 50_000 { values.append(Double(rng.nextInt(below: 2_000_000)) / 100) }  // money-like
        for v in values {
            XCTAssertEqual(text { $0.real(v) }, v.description, "bits \(String(v.bitPattern, radix: 16))")
        }
    }

    func testIntegersFieldsAndRows() {
        for v in [0, 7, -7, 10, 1_000_000, Int.max, Int.min] { XCTAssertEqual(text { $0.int(v) }, String(v)) }
        XCTAssertEqual(text { $0.row(["a", "b,c", "say \"hi\"", "x\ny", "é"]) }, "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\",é\n")
    }
}
