import Dispatch
import Foundation
import GRDB
import SeglabLedger
import XCTest

/// Two `Ledger`s on one file stand for two `seglab` processes; a third connection holding a write
/// transaction stands for a process in the middle of committing a run.
final class LedgerConcurrencyTests: XCTestCase {
    private let ids = ["aaaaaaaaaaaa", "bbbbbbbbbbbb"]

    /// Two ledgers on one fresh file, both runs running, and a connection that can lock the file.
    private func setUp2Writers(busyTimeout: TimeInterval) throws -> (Ledger, Ledger, DatabaseQueue) {
        let a = try makeLedger()
        try a.registerPending(ids.map { plannedRun($0) })
        for id in ids { XCTAssertEqual(try a.claim(id: id, by: .current), .claimed) }
        let b = try Ledger(path: a.path, busyTimeout: busyTimeout)
        var config = Configuration()
        config.journalMode = .wal
        return (a, b, try DatabaseQueue(path: a.path, configuration: config))
    }

    func testTwoWritersCompletingAtOnceBothSucceed() throws {
        let (a, b, locker) = try setUp2Writers(busyTimeout: 30)
        // locker                      ledger A (thread 1)          ledger B (thread 2)
        // BEGIN IMMEDIATE
        let locked = DispatchSemaphore(value: 0)
        //                             complete(aaaa) → busy, waits complete(bbbb) → busy, waits
        let release = DispatchSemaphore(value: 0)
        // COMMIT
        //                             one gets the lock and commits; the other waits, then commits
        let group = DispatchGroup()
        let results = ResultBox()
        DispatchQueue.global().async(group: group) {
            try? locker.inTransaction(.immediate) { _ in
                locked.signal()
                release.wait()
                return .commit
            }
        }
        locked.wait()
        for (ledger, id) in zip([a, b], ids) {
            DispatchQueue.global().async(group: group) {
                results.record(id, Result { try ledger.complete(outcome(id), by: .current) })
            }
        }
        // Give both writers time to reach the lock; neither may have finished while it is held.
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(results.count, 0, "a writer returned while the file was locked")
        release.signal()
        XCTAssertEqual(group.wait(timeout: .now() + 30), .success)

        for id in ids { XCTAssertNoThrow(try results.result(id)?.get(), id) }
        XCTAssertEqual(try a.statuses(of: ids), [ids[0]: .completed, ids[1]: .completed])
        XCTAssertEqual(try b.run(id: ids[0])?.artifacts.count, 2)
        XCTAssertEqual(try a.run(id: ids[1])?.artifacts.count, 2)
    }

    func testWithoutABusyTimeoutTheLockedWriterRetriesThenFailsAndWritesNothing() throws {
        let (_, b, locker) = try setUp2Writers(busyTimeout: 0)
        // locker                      ledger B
        // BEGIN IMMEDIATE
        //                             complete(bbbb) → SQLITE_BUSY at once, 4 retries with backoff, then fails
        // COMMIT
        try locker.inTransaction(.immediate) { _ in
            XCTAssertThrowsError(try b.complete(outcome(ids[1]), by: .current)) { error in
                guard case .storage(_, let reason)? = error as? LedgerError else { return XCTFail("unexpected \(error)") }
                XCTAssertTrue(reason.contains("locked by another process"), reason)
            }
            return .commit
        }
        XCTAssertEqual(try b.statuses(of: [ids[1]]), [ids[1]: .running])
        XCTAssertEqual(try b.run(id: ids[1])?.metrics, [])
    }
}

/// Results of concurrent calls, by run id.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [String: Result<Void, Error>] = [:]

    func record(_ id: String, _ result: Result<Void, Error>) {
        lock.lock(); defer { lock.unlock() }
        results[id] = result
    }

    var count: Int {
        lock.lock(); defer { lock.unlock() }
        return results.count
    }

    func result(_ id: String) -> Result<Void, Error>? {
        lock.lock(); defer { lock.unlock() }
        return results[id]
    }
}
