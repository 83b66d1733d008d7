import Dispatch
import XCTest
import SeglabClustering
import SeglabNumerics

final class FitContextTests: XCTestCase {
    func testCheckpointReportsAndStopsWhenAsked() {
        final class Box: @unchecked Sendable { var seen: [FitContext.Progress] = []; var stop = false }
        let box = Box()
        let context = FitContext(stopRequested: { box.stop }, progress: { box.seen.append($0) })
        XCTAssertNoThrow(try context.checkpoint(iteration: 1, of: 10))
        box.stop = true
        XCTAssertThrowsError(try context.checkpoint(stage: "em", iteration: 2)) { XCTAssertEqual($0 as? FitStopped, .interrupted) }
        XCTAssertEqual(box.seen, [.init(stage: nil, iteration: 1, of: 10), .init(stage: "em", iteration: 2, of: nil)])
    }

    func testATimedOutFitStopsAtItsNextCheckpoint() {
        let context = FitContext(timeout: 0)
        XCTAssertThrowsError(try context.checkpoint(iteration: 1)) { XCTAssertEqual($0 as? FitStopped, .timeout) }
        var rng = Xoshiro256StarStar(seed: 1)
        XCTAssertThrowsError(try KMeans(k: 2).fit(Matrix(rowArrays: [[0], [1], [5], [6]]), rng: &rng, context: context))
    }

    func testTheCacheComputesEachKeyOnceEvenWhenAskedConcurrently() throws {
        let cache = FitCache()
        final class Counter: @unchecked Sendable { let lock = NSLock(); var n = 0 }
        let counter = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let v = try! cache.value(for: "tree") { () -> [Int] in
                counter.lock.lock(); counter.n += 1; counter.lock.unlock()
                Thread.sleep(forTimeInterval: 0.05)
                return [1, 2, 3]
            }
            XCTAssertEqual(v, [1, 2, 3], "worker \(i)")
        }
        XCTAssertEqual(counter.n, 1)
        // A computation that throws is not kept.
        struct Boom: Error {}
        XCTAssertThrowsError(try cache.value(for: "bad") { () -> Int in throw Boom() })
        XCTAssertEqual(try cache.value(for: "bad") { 7 }, 7)
    }
}
