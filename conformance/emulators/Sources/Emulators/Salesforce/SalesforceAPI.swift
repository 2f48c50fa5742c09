internal import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import NIOCore
internal import SCIM

/// The REST API under `/services/data/vXX.X` (research/targets.md §D): each request is counted and
/// recorded, meets the fault plan, the session check and the request allocation, then is dispatched
/// here. Errors are Salesforce's JSON arrays; other paths (token endpoint, `/_emulator`) pass through.
struct SalesforceAPI: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    static let prefix = "/services/data"
    let emulator: SalesforceEmulator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let arrival = ContinuousClock.now
        let path = request.uri.path.removingPercentEncoding ?? request.uri.path
        guard path == Self.prefix || path.hasPrefix(Self.prefix + "/") else {
            do {
                return try await next(request, context)
            } catch let error as SalesforceError {
                return Self.error(error)
            } catch let error as SCIMError {
                return Self.error(SalesforceError(error.status, "INVALID_INPUT", error.detail))
            }
        }
        let rest = path.dropFirst(Self.prefix.count).split(separator: "/", maxSplits: 1).map(String.init)
        if rest.isEmpty {
            return Self.json(
                200,
                [
                    [
                        "label": "Winter '25",
                        "url": .string("\(Self.prefix)/v\(SalesforceEmulator.defaultAPIVersion)"),
                        "version": .string(SalesforceEmulator.defaultAPIVersion),
                    ]
                ]
            )
        }
        let version = rest[0]
        guard version.hasPrefix("v"), let v = Double(version.dropFirst()), v >= 20 else { return Self.error(.notFound) }
        let apiVersion = String(version.dropFirst())
        let sub = rest.count > 1 ? "/" + rest[1] : ""
        let method = request.method.rawValue
        let soql = sub == "/query" ? QueryParameters(request.uri.query)["q"] : nil
        var body: JSONValue?
        var bodyError: SalesforceError?
        if method == "POST" || method == "PATCH" {
            do { body = try await Self.body(of: request) } catch { bodyError = error }
        }
        let response: Response
        switch emulator.admit(
            method: method,
            path: sub,
            soql: soql,
            body: body,
            authorization: request.headers[.authorization],
            arrivedAt: arrival
        ) {
        case .failure(.drop):
            await context.dropConnection()
            return Response(status: .internalServerError)
        case .failure(.error(let error, let retryAfter)):
            response = Self.error(error, retryAfter: retryAfter)
        case .success(let admitted):
            if let delay = admitted.delay { try await Task.sleep(for: .milliseconds(delay)) }
            do {
                if let bodyError { throw bodyError }
                response = try dispatch(method, sub, body: body, soql: soql, apiVersion: apiVersion)
            } catch let error as SalesforceError {
                response = Self.error(error)
            }
            if admitted.loseResponse {
                await context.dropConnection()
                return response  // handled, but nothing reaches the client
            }
        }
        emulator.recordResponse(status: Int(response.status.code), retryAfter: response.retryAfterSeconds)
        var answered = response
        answered.headers[HTTPField.Name("Sforce-Limit-Info")!] = emulator.limitInfo
        return answered
    }

    func dispatch(_ method: String, _ path: String, body: JSONValue?, soql: String?, apiVersion: String) throws
        -> Response
    {
        let s = path.split(separator: "/").map(String.init)
        switch (method, s.count, s.first) {
        case ("GET", 0, _):
            return Self.json(
                200,
                [
                    "sobjects": .string("/services/data/v\(apiVersion)/sobjects"),
                    "query": .string("/services/data/v\(apiVersion)/query"),
                    "limits": .string("/services/data/v\(apiVersion)/limits"),
                ]
            )
        case ("GET", 1, "limits"):
            let usage = emulator.apiUsage
            return Self.json(
                200,
                [
                    "DailyApiRequests": [
                        "Max": .integer(Int64(usage.max)), "Remaining": .integer(Int64(max(0, usage.max - usage.used))),
                    ]
                ]
            )
        case ("GET", 1, "query"):
            guard let soql, !soql.isEmpty else {
                throw SalesforceError.malformedQuery("A query needs the 'q' parameter.")
            }
            return Self.json(200, try emulator.query(soql, apiVersion: apiVersion))
        case ("GET", 2, "query"):
            return Self.json(200, try emulator.queryMore(s[1], apiVersion: apiVersion))
        case ("POST", 2, "sobjects"):
            guard let object = body?.objectValue else {
                throw SalesforceError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object.")
            }
            let id = try emulator.withOrg { (org) throws(SalesforceError) in try org.insert(s[1], object) }
            return Self.json(201, ["id": .string(id), "success": true, "errors": []])
        case ("GET", 3, "sobjects"):
            return Self.json(
                200,
                .object(
                    try emulator.withOrg { (org) throws(SalesforceError) in
                        try org.rendered(s[1], id: s[2], apiVersion: apiVersion)
                    }
                )
            )
        case ("PATCH", 3, "sobjects"):
            guard let object = body?.objectValue else {
                throw SalesforceError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object.")
            }
            try emulator.withOrg { (org) throws(SalesforceError) in try org.update(s[1], id: s[2], object) }
            return Response(status: .noContent)
        case ("DELETE", 3, "sobjects"):
            try emulator.withOrg { (org) throws(SalesforceError) in try org.delete(s[1], id: s[2]) }
            return Response(status: .noContent)
        default:
            throw SalesforceError.notFound
        }
    }

    /// A JSON request body; Salesforce takes `application/json` (or XML, which the emulator does not).
    static func body(of request: Request) async throws(SalesforceError) -> JSONValue {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
            .lowercased()
        guard type == "application/json" else {
            throw SalesforceError(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type header specified in HTTP request is not supported: \(request.headers[.contentType] ?? "none")"
            )
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: 1 << 20) } catch {
            throw SalesforceError(413, "REQUEST_ENTITY_TOO_LARGE", "The request body is too large.")
        }
        do { return try JSONParser.parse(buffer.readableBytesView) } catch {
            throw SalesforceError(400, "JSON_PARSER_ERROR", "The request body is not valid JSON: \(error)")
        }
    }

    static func json(_ status: Int, _ value: JSONValue) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json;charset=UTF-8"
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serializedBytes()))
        )
    }

    static func error(_ error: SalesforceError, retryAfter: Int? = nil) -> Response {
        var response = json(error.status, error.json)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}
