import Hummingbird
import Logging

/// One structured line per request on the server's logger (stderr for `seglab serve`):
/// method, path, query, status, bytes in and out, and the time taken.
///
///     2026-12-01T02:41:07+0000 info seglab.serve : bytes_in=812 bytes_out=3301 method=POST ms=4.127 path=/runs/be9c93a31e85/assign query= status=200 request
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500, bytesOut: Int?
        defer {
            let elapsed = ContinuousClock.now - start
            let ms = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
            logger.info("request", metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "query": "\(request.uri.query ?? "")",
                "status": "\(status)", "ms": "\((ms * 1000).rounded() / 1000)",
                "bytes_in": "\(request.headers[.contentLength] ?? "0")", "bytes_out": "\(bytesOut.map(String.init) ?? "-")",
            ])
        }
        let response = try await next(request, context)
        status = response.status.code
        bytesOut = response.body.contentLength
        return response
    }
}
