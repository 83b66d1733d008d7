import Hummingbird
import SeglabRunner

/// Responses with a body: JSON in canonical form (compact, keys sorted, byte-stable), or
/// other bytes with their content type.
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        bytes(Array(JSONWriter.canonical(value).utf8), contentType: "application/json", status: status)
    }

    static func bytes(_ bytes: [UInt8], contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
