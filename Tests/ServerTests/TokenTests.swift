import Foundation
import XCTest
@testable import SeglabServer

/// The token rule: loopback needs none; any other address needs one; with a token, every
/// endpoint but /health and /openapi.json asks for it.
final class TokenTests: XCTestCase {
    let token = "0123456789abcdef-test-token"

    func testWithATokenEveryEndpointButHealthAndTheDocumentAsksForIt() async throws {
        let f = try await SharedServer.shared.get()
        let server = try await RunningServer.start(ServerConfiguration(ledger: f.ledger, token: token))
        let anonymous = server.client(), wrong = server.client(token: token + "x"), right = server.client(token: token)
        for client in [anonymous, wrong] {
            for path in ["/runs", "/experiments/small", "/leaderboard", "/nowhere"] {
                let r = try await client.get(path)
                XCTAssertEqual(r.status, 401, path)
                XCTAssertEqual(r.headers["www-authenticate"], "Bearer")
                XCTAssertEqual(try r.message(), "this server asks for a token: send Authorization: Bearer <token>")
            }
            let assign = try await client.send("POST", "/runs/\(try f.runID(k: 2))/assign", body: Data("customer_id\n".utf8),
                                               headers: ["Content-Type": "text/csv"])
            XCTAssertEqual(assign.status, 401)
        }
        for path in ["/health", "/openapi.json"] {
            let r = try await anonymous.get(path)
            XCTAssertEqual(r.status, 200, path)
        }
        let runs = try await right.get("/runs")
        XCTAssertEqual(runs.status, 200)
        let lowercase = try await anonymous.get("/runs", headers: ["Authorization": "bearer \(token)"])
        XCTAssertEqual(lowercase.status, 200, "the scheme is case-insensitive")
        let basic = try await anonymous.get("/runs", headers: ["Authorization": "Basic \(token)"])
        XCTAssertEqual(basic.status, 401)
        await server.stop()
    }

    func testANonLoopbackAddressNeedsAToken() throws {
        for host in ["127.0.0.1", "127.3.2.1", "localhost", "::1"] {
            XCTAssertNoThrow(try ServerConfiguration(ledger: "l", host: host).check(), host)
        }
        for host in ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "example.com", "127.0.0.1.nip.io", "128.0.0.1"] {
            XCTAssertThrowsError(try ServerConfiguration(ledger: "l", host: host).check(), host) { error in
                XCTAssertTrue("\(error)".contains("is not a loopback address: serving beyond this machine needs --token-file"), "\(error)")
            }
            XCTAssertNoThrow(try ServerConfiguration(ledger: "l", host: host, token: token).check(), host)
        }
        XCTAssertThrowsError(try ServerConfiguration(ledger: "l", port: 70000).check())
    }

    func testTokenFilesAndTheComparison() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seglab-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("token").path
        try Data("\(token)\n".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertEqual(try ServerConfiguration.readToken(path: file), token)
        try Data("short\n".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try ServerConfiguration.readToken(path: file)) { XCTAssertTrue("\($0)".contains("at least 16 characters (it has 5)")) }
        try Data("two words of token text\n".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try ServerConfiguration.readToken(path: file))
        XCTAssertThrowsError(try ServerConfiguration.readToken(path: dir.appendingPathComponent("absent").path))

        let middleware = BearerTokenMiddleware(token: token)
        XCTAssertTrue(middleware.accepts("Bearer \(token)"))
        XCTAssertFalse(middleware.accepts("Bearer \(token.dropLast())"))
        XCTAssertFalse(middleware.accepts("Bearer "))
        XCTAssertFalse(middleware.accepts(nil))
        XCTAssertTrue(BearerTokenMiddleware.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(BearerTokenMiddleware.constantTimeEqual([1, 2, 3], [1, 2, 4]))
    }
}
