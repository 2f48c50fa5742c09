internal import Hummingbird
internal import NIOCore
public import SCIM

/// GitHub's response shapes for the SCIM API: `application/scim+json` resources, the `scim-error`
/// body (400, 409, 429, 5xx; `status` an integer), the `basic-error` body of a 404, and a 401 with
/// no body. Every error the GitHub emulator sends is rendered here.
public enum GitHubEMUResponses {
    public static let documentationURL = "https://docs.github.com/enterprise-cloud@latest/rest/enterprise-admin/scim"

    /// `scim-error`: `{schemas, status, detail, scimType, message, documentation_url}`.
    public static func scimError(_ error: SCIMError) -> JSONValue {
        [
            "schemas": [.string(SCIMError.schemaURN)], "status": .integer(Int64(error.status)),
            "detail": .string(error.detail),
            "scimType": error.scimType.map { .string($0.rawValue) } ?? .null, "message": .string(error.detail),
            "documentation_url": .string(documentationURL),
        ]
    }

    /// `basic-error`: `{message, documentation_url}`.
    public static func basicError(_ message: String) -> JSONValue {
        ["message": .string(message), "documentation_url": .string(documentationURL)]
    }

    static func resource(_ status: Int, _ value: JSONValue, headers: HTTPFields = [:]) -> Response {
        SCIMMessages.response(status, value, headers: headers)
    }

    static func error(_ error: SCIMError, retryAfter: Int? = nil) -> Response {
        switch error.status {
        case 401:
            return Response(status: .unauthorized)
        case 404:
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            return Response(
                status: .notFound,
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: basicError(error.detail).serializedBytes()))
            )
        default:
            var headers = HTTPFields()
            if let retryAfter { headers[.retryAfter] = String(retryAfter) }
            return SCIMMessages.response(error.status, scimError(error), headers: headers)
        }
    }

    /// The response of `body`, or its failure in GitHub's error shapes.
    static func rendering(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as SCIMError {
            return self.error(error)
        } catch let error as HTTPError {
            let status = Int(error.status.code)
            return self.error(
                SCIMError(status: status, detail: status == 404 ? "Not Found" : error.body ?? error.status.reasonPhrase)
            )
        } catch {
            return self.error(SCIMError(status: 500, detail: "Internal error."))
        }
    }
}
