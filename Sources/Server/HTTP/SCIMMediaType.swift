import Foundation
import Hummingbird
import SCIM

/// Content types and body handling of RFC 7644 §3.1 and §8.1.
enum SCIMMediaType {
    /// The SCIM media type every response uses.
    static let scimJSON = "application/scim+json"

    /// Whether a request `Content-Type` is acceptable: `application/scim+json` or `application/json`
    /// (any parameters, such as `charset=utf-8`, are ignored).
    static func isAcceptable(_ contentType: String?) -> Bool {
        guard let contentType else { return true }  // tolerated: many clients omit it
        // On every write: compared as bytes, without Foundation's trimming and lowercasing.
        let bytes = contentType.utf8
        let end = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
        let isSpace = { (b: UInt8) in b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
        var base = bytes[bytes.startIndex..<end]
        while let first = base.first, isSpace(first) { base = base.dropFirst() }
        while let last = base.last, isSpace(last) { base = base.dropLast() }
        let text = String(Substring(base))
        return base.isEmpty || caseInsensitiveEquals(text, "application/scim+json")
            || caseInsensitiveEquals(text, "application/json")
    }
}

extension Request {
    /// The body as a JSON object, or the SCIM error a client can act on (413, 415, 400 invalidSyntax).
    func scimJSONObject(limit: Int) async throws -> JSONObject {
        guard SCIMMediaType.isAcceptable(headers[.contentType]) else {
            throw SCIMError(
                status: 415,
                detail:
                    "Content-Type '\(headers[.contentType] ?? "")' is not supported; send application/scim+json or application/json."
            )
        }
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch {
            throw SCIMError.payloadTooLarge("The request body exceeds the limit of \(limit) bytes.")
        }
        guard buffer.readableBytes > 0 else {
            throw SCIMError.invalidSyntax("The request body is empty; a JSON object is required.")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(buffer.readableBytesView)
        } catch {
            throw SCIMError.invalidSyntax("The request body is not valid JSON: \(error).")
        }
        guard case .object(let object) = value else {
            throw SCIMError.invalidSyntax("The request body must be a JSON object, not \(value.typeName).")
        }
        return object
    }
}

extension Response {
    /// A SCIM JSON response.
    static func scim(_ status: HTTPResponse.Status, _ bytes: [UInt8], headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = SCIMMediaType.scimJSON
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func scim(_ status: HTTPResponse.Status, _ value: JSONValue, headers: HTTPFields = [:]) -> Response {
        scim(status, value.serializedBytes(), headers: headers)
    }
}
