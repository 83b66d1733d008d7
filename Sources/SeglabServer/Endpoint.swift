import Hummingbird

/// One operation of the API: the router is built from `Endpoint.all` and nothing else, and a
/// test checks that the OpenAPI document (`OpenAPIDocument`) lists exactly these paths,
/// methods and status codes.
struct Endpoint: Sendable {
    typealias Handler = @Sendable (Request, BasicRequestContext, ServerState) async throws -> Response

    var method: HTTPRequest.Method
    /// An OpenAPI path template: `/runs/{id}/assign`.
    var path: String
    /// Every status the operation answers, 401 included where a token is asked for.
    var statuses: [Int]
    /// Whether a configured token is asked for (all but `/health` and `/openapi.json`).
    var needsToken: Bool
    var handler: Handler

    init(_ method: HTTPRequest.Method, _ path: String, statuses: [Int], needsToken: Bool = true, _ handler: @escaping Handler) {
        self.method = method
        self.path = path
        self.statuses = needsToken ? (statuses + [401]).sorted() : statuses
        self.needsToken = needsToken
        self.handler = handler
    }

    static let all: [Endpoint] = [
        Endpoint(.get, "/health", statuses: [200, 503], needsToken: false) { try await API.health($0, $1, $2) },
        Endpoint(.get, "/openapi.json", statuses: [200], needsToken: false) { try await API.openAPI($0, $1, $2) },
        Endpoint(.get, "/experiments", statuses: [200, 400]) { try await API.experiments($0, $1, $2) },
        Endpoint(.get, "/experiments/{name}", statuses: [200, 400, 404]) { try await API.experiment($0, $1, $2) },
        Endpoint(.get, "/runs", statuses: [200, 400]) { try await API.runs($0, $1, $2) },
        Endpoint(.get, "/runs/{id}", statuses: [200, 400, 404]) { try await API.run($0, $1, $2) },
        Endpoint(.get, "/runs/{id}/report", statuses: [200, 400, 404]) { try await API.report($0, $1, $2) },
        Endpoint(.post, "/runs/{id}/assign", statuses: [200, 400, 404, 409, 413, 415]) { try await API.assign($0, $1, $2) },
        Endpoint(.get, "/leaderboard", statuses: [200, 400]) { try await API.leaderboard($0, $1, $2) },
    ]

    /// The path as Hummingbird's router writes it: `/runs/:id/assign`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : segment
        }.joined(separator: "/")
    }

    /// Whether a request path has this endpoint's shape (any method).
    func matches(_ requestPath: String) -> Bool {
        let mine = path.split(separator: "/"), theirs = requestPath.split(separator: "/")
        return mine.count == theirs.count && zip(mine, theirs).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}
