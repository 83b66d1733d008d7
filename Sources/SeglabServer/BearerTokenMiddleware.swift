import Crypto
import Hummingbird

/// Asks every request but those to `/health` and `/openapi.json` for `Authorization: Bearer
/// <token>`; a missing or wrong token is 401 with `WWW-Authenticate: Bearer`.
///
/// The comparison takes the same time whatever the token given: both sides are hashed with
/// SHA-256 and the digests compared byte by byte without an early exit, so neither a
/// matching prefix nor the length can be told from the timing.
struct BearerTokenMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    private let digest: [UInt8]

    init(token: String) {
        digest = Array(SHA256.hash(data: Array(token.utf8)))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let open = Endpoint.all.contains { !$0.needsToken && $0.matches(path) }
        guard open || accepts(request.headers[.authorization]) else {
            throw APIError(.unauthorized, "this server asks for a token: send Authorization: Bearer <token>",
                           headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await next(request, context)
    }

    /// Whether `header` is `Bearer <the token>` (the scheme in any case).
    func accepts(_ header: String?) -> Bool {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        let given = Array(SHA256.hash(data: Array(header.dropFirst(7).utf8)))
        return Self.constantTimeEqual(given, digest)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
