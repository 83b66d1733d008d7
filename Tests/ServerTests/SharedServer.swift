import Foundation
import XCTest
import SeglabTestSupport
@testable import SeglabServer

/// One fixture ledger and one server on it, shared by the query and assign tests (a grid run
/// and a server start are worth doing once); removed when the test bundle finishes.
actor SharedServer {
    static let shared = SharedServer()

    struct Fixture: Sendable {
        var dir: URL
        var server: RunningServer
        var client: TestClient { server.client() }
        var ledger: String { LedgerFixture.ledger(dir) }

        /// Runs the real binary in the fixture's folder.
        func seglab(_ arguments: String...) throws -> CLIRunner.Result { try CLIRunner.run(arguments, in: dir) }

        /// The runs as `seglab runs --format json` lists them.
        func runs() throws -> [[String: Any]] { try LedgerFixture.runs(dir) }

        /// The id of the completed run with this `k` and `init`.
        func runID(k: Int, initialisation: String = "k-means++") throws -> String {
            let run = try runs().first {
                let params = $0["params"] as! [String: Any]
                return params["k"] as? Int == k && params["init"] as? String == initialisation
            }
            return try XCTUnwrap(run?["id"] as? String)
        }
    }

    private var fixture: Fixture?

    func get() async throws -> Fixture {
        if let fixture { return fixture }
        let dir = try LedgerFixture.make()
        let server = try await RunningServer.start(ServerConfiguration(ledger: LedgerFixture.ledger(dir)))
        let made = Fixture(dir: dir, server: server)
        fixture = made
        XCTestObservationCenter.shared.addTestObserver(Cleanup(dir: dir))
        return made
    }

    private final class Cleanup: NSObject, XCTestObservation {
        let dir: URL
        init(dir: URL) { self.dir = dir }
        func testBundleDidFinish(_ testBundle: Bundle) { try? FileManager.default.removeItem(at: dir) }
    }
}
