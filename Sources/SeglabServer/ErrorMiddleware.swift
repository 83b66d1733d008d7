import Hummingbird
import Logging
import NIOCore
import SeglabData
import SeglabRunner

/// Turns every error into a JSON error answer (`APIError`): the library's errors keep their
/// messages (a bad customer row names its row and column, as `seglab assign` does), a path no
/// endpoint has is 404, a method its endpoint does not take is 405 with `Allow`, and anything
/// unexpected is a 500 whose cause is logged.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return answer(error, request).response
        }
    }

    func answer(_ error: Error, _ request: Request) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as QueryError: return APIError(e)
        case let e as DataError: return APIError(e)
        case let e as JSONCustomers.Problem: return APIError(e)
        case is NIOTooManyBytesError: return APIError(.contentTooLarge, "the request body is too large")
        case let e as HTTPError where e.status == .notFound:
            // Thrown by the router when no endpoint has this path and method.
            let path = request.uri.path
            let methods = Endpoint.all.filter { $0.matches(path) }.map(\.method.rawValue)
            if methods.isEmpty {
                return APIError(.notFound, "no endpoint \(request.method.rawValue) \(path); the API is described at /openapi.json")
            }
            return APIError(.methodNotAllowed, "\(path) answers \(methods.joined(separator: ", ")), not \(request.method.rawValue)",
                            headers: [.allow: methods.joined(separator: ", ")])
        case let e as HTTPError:
            return APIError(e.status, e.body ?? e.status.reasonPhrase, headers: e.headers)
        default:
            logger.error("internal error", metadata: ["method": "\(request.method.rawValue)", "path": "\(request.uri.path)",
                                                      "error": "\(error)"])
            return APIError(.internalServerError, "internal error: \(error)")
        }
    }
}
