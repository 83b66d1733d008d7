import Foundation
import XCTest
@testable import SeglabNumerics

/// `ChunkTeam`: every chunk of every step runs exactly once, its writes are visible when the
/// step returns, whether the helpers spin or have gone to sleep between steps, and a released
/// team stops its threads.
final class ChunkTeamTests: XCTestCase {
    /// Runs `steps` steps of varying sizes (1 to 9 chunks of 64) on `team`, each chunk adding 1
    /// to its rows' counters, and `pause` between some steps; every row must end at 1 per step.
    private func check(_ team: ChunkTeam, steps: Int, pause: (Int) -> Bool) {
        let rows = 9 * 64
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: rows)
        defer { counts.deallocate() }
        for s in 0 ..< steps {
            let count = 1 + (s * 37) % rows
            counts.initialize(repeating: 0, count: rows)
            team.forEachChunk(count: count, chunkSize: 64) { range in
                for i in range { counts[i] += 1 }
            }
            // The first row that ran other than once (rows past `count` must not run at all).
            if let wrong = (0 ..< rows).first(where: { counts[$0] != ($0 < count ? 1 : 0) }) {
                return XCTFail("step \(s) of \(count) rows: row \(wrong) ran \(counts[wrong]) times")
            }
            if pause(s) { usleep(2_000) }  // longer than the helpers spin: they sleep and are woken
        }
    }

    func testEveryChunkRunsOnceBackToBack() {
        for threads in [1, 2, 3] {
            check(ChunkTeam(threads: threads), steps: 2_000) { _ in false }
        }
    }

    func testEveryChunkRunsOnceAfterTheHelpersSleep() {
        check(ChunkTeam(threads: 2), steps: 300) { $0 % 3 == 0 }
    }

    /// The same sums as one thread, in chunk order.
    func testChunkResultsCombineToTheSameBits() {
        var rng = Xoshiro256StarStar(seed: 7)
        let x = (0 ..< 1000).map { _ in rng.nextGaussian() }
        let team = ChunkTeam(workers: 2, maxChunks: 16)
        XCTAssertEqual(team.threads, 2)
        XCTAssertEqual(ChunkTeam(workers: nil, maxChunks: 1).threads, 1)
        let partial = UnsafeMutablePointer<Double>.allocate(capacity: 16)
        defer { partial.deallocate() }
        x.withUnsafeBufferPointer { xs in
            let base = xs.baseAddress!
            team.forEachChunk(count: x.count, chunkSize: 64) { range in
                partial[range.lowerBound / 64] = range.reduce(0.0) { $0 + base[$1] }
            }
        }
        let serial = Parallel.chunkRanges(count: x.count, chunkSize: 64).map { r in r.reduce(0.0) { $0 + x[$1] } }
        XCTAssertEqual((0 ..< serial.count).map { partial[$0].bitPattern }, serial.map(\.bitPattern))
    }

    /// Released teams stop their helpers (the test would hang otherwise), awake or asleep.
    func testReleasedTeamsStop() {
        for n in 0 ..< 40 {
            let team = ChunkTeam(threads: 2)
            team.forEachChunk(count: 256, chunkSize: 64) { _ in }
            if n % 2 == 0 { usleep(1_000) }
        }
    }
}
