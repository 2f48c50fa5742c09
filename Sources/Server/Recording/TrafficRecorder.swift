import Foundation
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SCIM
import CompressNIO
import Synchronization

/// `serve --record DIR`: writes every SCIM request and its response as a step of a replay fixture
/// (the format of `docs/traffic-fixtures.md`, the one the IdP replay tests read), with secrets redacted:
/// no `Authorization` or cookie headers, no `password` values, no tokens.
final class TrafficRecorder: RouterMiddleware, Sendable {
    typealias Context = SCIMRequestContext

    let file: URL
    private let steps = Mutex<[JSONValue]>([])
    /// Headers worth keeping in a fixture; everything else (and every credential) is dropped.
    static let keptRequestHeaders: [HTTPField.Name] = [.contentType, .ifMatch, .ifNoneMatch, .accept]

    init(directory: String) throws {
        let dir = URL(fileURLWithPath: directory, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError("--record: cannot create the directory '\(directory)': \(error.localizedDescription)")
        }
        let stamp = Int(Date().timeIntervalSince1970)
        file = dir.appendingPathComponent("recording-\(stamp)-\(UInt32.random(in: 0...UInt32.max)).json")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let channelPath = Self.channelRelativePath(request.uri.path) else {
            return try await next(request, context)
        }
        var request = request
        let requestBody = try await request.collectBody(upTo: 64 << 20)
        var response = try await next(request, context)
        let responseBody = try await response.collectBody()
        response.body = ResponseBody(byteBuffer: responseBody)

        var req: JSONObject = ["method": .string(request.method.rawValue), "path": .string(channelPath + Self.query(request))]
        var headers = JSONObject()
        for name in Self.keptRequestHeaders {
            if let v = request.headers[name] { headers[name.canonicalName] = .string(v) }
        }
        if !headers.isEmpty { req["headers"] = .object(headers) }
        if let body = Self.json(requestBody) { req["body"] = Self.redacted(body) }
        var expect: JSONObject = ["status": .integer(Int64(response.status.code))]
        if let body = Self.json(responseBody, gzip: response.headers[.contentEncoding] == "gzip") {
            expect["body"] = Self.redacted(body)
        }
        let step: JSONValue = ["request": .object(req), "expect": .object(expect)]
        let document = steps.withLock { steps -> JSONValue in
            steps.append(step)
            return [
                "name": .string(file.deletingPathExtension().lastPathComponent),
                "idp": "recorded",
                "description": "Traffic recorded by scim-bridge serve --record; secrets redacted.",
                "steps": .array(steps),
            ]
        }
        // Rewritten whole after each step, atomically, so the file is always a complete fixture.
        try? Data(document.serializedBytes(pretty: true)).write(to: file, options: .atomic)
        return response
    }

    /// `/scim/v2/{channel}/Users/x` → `/Users/x`; nil outside the SCIM routes.
    static func channelRelativePath(_ path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 3, parts[0] == "scim", parts[1] == "v2" else { return nil }
        return "/" + parts.dropFirst(3).joined(separator: "/")
    }

    static func query(_ request: Request) -> String {
        guard let q = request.uri.query, !q.isEmpty else { return "" }
        return "?" + q
    }

    static func json(_ buffer: ByteBuffer, gzip: Bool = false) -> JSONValue? {
        guard buffer.readableBytes > 0 else { return nil }
        var buffer = buffer
        if gzip { guard let plain = try? buffer.decompress(with: .gzip()) else { return nil }; buffer = plain }
        return try? JSONParser.parse(buffer.readableBytesView)
    }

    /// The value with every secret-bearing member replaced by "REDACTED".
    static func redacted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o):
            var out = JSONObject()
            for (k, v) in o {
                let lower = k.lowercased()
                if lower == "password" || lower.hasSuffix(":password") || lower.contains("token") || lower.contains("secret") {
                    out[k] = "REDACTED"
                } else {
                    out[k] = redacted(v)
                }
            }
            return .object(out)
        case .array(let a): return .array(a.map(redacted))
        default: return value
        }
    }
}
