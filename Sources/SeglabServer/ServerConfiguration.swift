import Foundation

/// How `seglab serve` listens and what it accepts.
///
///     var c = ServerConfiguration(ledger: "results/ledger.sqlite")   // 127.0.0.1:8080, no token
///     c.port = 0                                                     // any free port
///     try c.check()
public struct ServerConfiguration: Sendable {
    /// The SQLite ledger, opened read-only.
    public var ledger: String
    /// The address to bind: loopback unless a token is set.
    public var host: String
    /// 0 binds any free port (the one bound is reported once listening).
    public var port: Int
    /// The bearer token every request but `/health` and `/openapi.json` must carry; nil
    /// means none is asked for (allowed on loopback only).
    public var token: String?
    /// The largest request body accepted (bytes).
    public var maxBodyBytes: Int
    /// The most CSV lines (the header aside) or JSON array elements one assign request may carry.
    public var maxRows: Int
    /// Fitted models kept in memory, and the total size of their `model.json` files.
    public var modelCacheEntries: Int
    public var modelCacheBytes: Int
    /// Connections served at once; more wait in the listen backlog.
    public var maxConnections: Int

    public static let defaultMaxBodyBytes = 8 << 20
    public static let defaultMaxRows = 10_000

    public init(ledger: String, host: String = "127.0.0.1", port: Int = 8080, token: String? = nil,
                maxBodyBytes: Int = defaultMaxBodyBytes, maxRows: Int = defaultMaxRows,
                modelCacheEntries: Int = 16, modelCacheBytes: Int = 256 << 20, maxConnections: Int = 64) {
        self.ledger = ledger
        self.host = host
        self.port = port
        self.token = token
        self.maxBodyBytes = maxBodyBytes
        self.maxRows = maxRows
        self.modelCacheEntries = modelCacheEntries
        self.modelCacheBytes = modelCacheBytes
        self.maxConnections = maxConnections
    }

    /// Why the server must not start with this configuration (as `ServerSetupError`): a
    /// non-loopback address without a token, a port out of range.
    public func check() throws {
        guard (0 ... 65535).contains(port) else { throw ServerSetupError("--port \(port) is not a TCP port (0 to 65535)") }
        if token == nil && !Self.isLoopback(host) {
            throw ServerSetupError("--host \(host) is not a loopback address: serving beyond this machine needs --token-file "
                + "(a file holding the bearer token every request must carry); without it, bind 127.0.0.1 or ::1")
        }
    }

    /// `localhost`, `127.0.0.0/8` and `::1`: addresses only this machine reaches.
    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The token in `path`: its text without surrounding white space; an unreadable file, or
    /// a token shorter than 16 characters, is refused.
    public static func readToken(path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServerSetupError("--token-file \(path): cannot read the file")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16 else {
            throw ServerSetupError("--token-file \(path): the token must have at least 16 characters (it has \(token.count)); "
                + "e.g. `openssl rand -hex 32 > \(path)`")
        }
        guard !token.contains(where: \.isWhitespace) else {
            throw ServerSetupError("--token-file \(path): the token must be one word, without spaces or line breaks")
        }
        return token
    }
}

/// A reason the server refuses to start (bad usage: `seglab serve` exits 2).
public struct ServerSetupError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
