import HTTPTypes
import Hummingbird
import Logging
import SCIM
import Store

/// The one place where failures become SCIM error responses (RFC 7644 §3.12).
///
/// A `SCIMError` is rendered as it is; a store whose database is unreachable is a `503` with `Retry-After`;
/// Hummingbird's own errors (unknown route, wrong method, body too
/// large) keep their status with a SCIM body; anything else is a 500 whose detail says nothing of
/// its cause — the cause goes to the log, never to the client.
struct SCIMErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as SCIMError {
            return Self.response(for: error)
        } catch let error as MethodNotAllowed {
            var response = Self.response(
                for: SCIMError(
                    status: 405,
                    detail:
                        "Method \(error.method.rawValue) is not allowed on \(error.path); use \(error.allowed.map(\.rawValue).joined(separator: ", "))."
                )
            )
            response.headers[.allow] = error.allowed.map(\.rawValue).joined(separator: ", ")
            return response
        } catch let error as HTTPError {
            let status = Int(error.status.code)
            let detail: String
            switch status {
            case 404: detail = "No SCIM endpoint at \(request.uri.path)."
            case 405: detail = "Method \(request.method.rawValue) is not allowed on \(request.uri.path)."
            case 413: detail = "The request body is larger than the bridge accepts."
            default: detail = error.body ?? error.status.reasonPhrase
            }
            return Self.response(for: SCIMError(status: status, detail: detail))
        } catch let error as StoreUnavailable {
            // Nothing was written: the client may send the same request again, after a pause.
            context.logger.error("store unavailable", metadata: ["error": "\(error.reason)"])
            var response = Self.response(
                for: SCIMError(status: 503, detail: "The bridge's database is unavailable; retry the request later.")
            )
            response.headers[.retryAfter] = "5"
            return response
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("internal error", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return Self.response(for: .internalError)
        }
    }

    static func response(for error: SCIMError) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = SCIMMediaType.scimJSON
        if error.status == 401 {
            headers[.wwwAuthenticate] = #"Bearer realm="scim-bridge", Basic realm="scim-bridge""#
        }
        return Response(
            status: HTTPResponse.Status(code: error.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: error.json.serializedBytes()))
        )
    }
}
