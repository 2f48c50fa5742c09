internal import Hummingbird
internal import NIOCore
internal import SCIM

/// JSON bodies in and out, the RFC 7644 §3.1 and §8.1 way: `application/scim+json` responses,
/// request bodies only as `application/scim+json` or `application/json`.
enum SCIMMessages {
    static let mediaType = "application/scim+json"
    /// Request bodies above this are 413.
    static let bodyLimit = 1 << 20

    /// A JSON response with the SCIM media type.
    static func response(_ status: Int, _ value: JSONValue, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = mediaType
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serializedBytes()))
        )
    }

    /// The RFC 7644 §3.12 error body; `Retry-After` when given, `WWW-Authenticate` on 401.
    static func error(_ error: SCIMError, retryAfter: Int? = nil) -> Response {
        var headers = HTTPFields()
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if error.status == 401 { headers[.wwwAuthenticate] = #"Bearer realm="scim-emulator""# }
        return response(error.status, error.json, headers: headers)
    }

    /// The request body as a JSON object, or 415, 413 or 400 `invalidSyntax`.
    static func object(of request: Request) async throws -> JSONObject {
        let type = request.headers[.contentType]?.split(separator: ";").first?.lowercased().filter {
            $0 != " " && $0 != "\t"
        }
        guard type == "application/scim+json" || type == "application/json" else {
            throw SCIMError(
                status: 415,
                detail:
                    "Content-Type '\(request.headers[.contentType] ?? "none")' is not accepted; send application/scim+json."
            )
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: bodyLimit)
        } catch {
            throw SCIMError.payloadTooLarge("The request body is larger than \(bodyLimit) bytes.")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(buffer.readableBytesView)
        } catch {
            throw SCIMError.invalidSyntax("The request body is not valid JSON: \(error).")
        }
        guard case .object(let o) = value else {
            throw SCIMError.invalidSyntax("The request body must be a JSON object, not \(value.typeName).")
        }
        return o
    }
}
