internal import Foundation
internal import Hummingbird
internal import NIOCore
internal import SCIM

/// The HTTP side of Graph: every request under `/v1.0` becomes an `MSGraphRequest` for
/// `MSGraphEmulator.perform` (which also serves the requests inside a `$batch`), and its outcome an
/// HTTP response, a dropped connection, or an answer lost after the change was made.
struct MSGraphRoutes: Sendable {
    let emulator: MSGraphEmulator
    /// Request bodies above this are 413.
    static let bodyLimit = 4 << 20

    func register(on router: Router<EmulatorRequestContext>) {
        for method: HTTPRequest.Method in [.get, .post, .patch, .put, .delete] {
            router.on("v1.0/**", method: method) { request, context in
                try await serve(request, context)
            }
        }
    }

    private func serve(_ request: Request, _ context: EmulatorRequestContext) async throws -> Response {
        let arrival = ContinuousClock.now
        let raw = request.uri.path
        let decoded = raw.removingPercentEncoding ?? raw
        let path = String(decoded.dropFirst(MSGraphEmulator.apiPath.count))
        var query: [(String, String)] = []
        for pair in (request.uri.query ?? "").split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            query.append((QueryParameters.decode(kv[0]), kv.count > 1 ? QueryParameters.decode(kv[1]) : ""))
        }
        let headers = request.headers.map { ($0.name.rawName, $0.value) }
        var request = request
        guard let buffer = try? await request.collectBody(upTo: Self.bodyLimit) else {
            return Self.response(
                MSGraphResponse(
                    status: 413,
                    body: MSGraphError(413, "RequestEntityTooLarge", "The request body is too large.")
                        .body(
                            requestID: UUID().uuidString.lowercased(),
                            clientRequestID: nil,
                            date: Date().ISO8601Format()
                        )
                )
            )
        }
        var body: JSONValue?
        var malformed = false
        if buffer.readableBytes > 0 {
            if let json = try? JSONParser.parse(buffer.readableBytesView) { body = json } else { malformed = true }
        }
        let token = request.headers[.authorization].flatMap { header -> String? in
            let parts = header.split(separator: " ", maxSplits: 1)
            return parts.count == 2 && parts[0].lowercased() == "bearer" ? String(parts[1]) : nil
        }
        let graphRequest = MSGraphRequest(
            method: request.method.rawValue,
            path: path,
            query: query,
            headers: headers,
            body: body,
            bodyIsMalformed: malformed
        )
        switch await emulator.perform(graphRequest, bearerToken: token, arrivedAt: arrival) {
        case .drop:
            await context.dropConnection()
            return Response(status: .internalServerError)
        case .respond(let response, let lose):
            if lose {
                await context.dropConnection()
            }
            return Self.response(response)
        }
    }

    static func response(_ response: MSGraphResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let field = HTTPFields.Element.Name(name) { fields[field] = value }
        }
        guard let body = response.body else {
            return Response(status: HTTPResponse.Status(code: response.status), headers: fields)
        }
        if fields[.contentType] == nil { fields[.contentType] = "application/json" }
        return Response(
            status: HTTPResponse.Status(code: response.status),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.serializedBytes()))
        )
    }
}
