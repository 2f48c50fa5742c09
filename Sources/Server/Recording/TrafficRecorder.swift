import BridgeConfig
import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SCIM
import Synchronization

/// `serve --record DIR`: writes every SCIM request and its response into a replay fixture per channel
/// and session (`<channel>-<UTC timestamp>.json`, the format of docs/traffic-fixtures.md that the IdP
/// replay tests read), redacted by `FixtureRecording`: no credentials, no passwords, no tokens.
final class TrafficRecorder: RouterMiddleware, Sendable {
    typealias Context = SCIMRequestContext

    let directory: URL
    let publicURL: String?
    let stamp: String
    private let recordings = Mutex<[String: FixtureRecording]>([:])
    /// Request headers a fixture keeps; credentials and everything else are never written.
    static let keptRequestHeaders: [HTTPField.Name] = [.contentType, .accept, .ifMatch, .ifNoneMatch]

    init(directory: String, publicURL: String?) throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        self.publicURL = publicURL
        do {
            try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError(problems: [
                ConfigurationProblem(
                    path: "--record",
                    message: "cannot create the directory '\(directory)': \(error.localizedDescription)"
                )
            ])
        }
        let now = SCIMDateTime(seconds: Int64(Date().timeIntervalSince1970)).iso8601
        stamp = now.replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 3, parts[0] == "scim", parts[1] == "v2" else { return try await next(request, context) }
        let channel = String(parts[2])
        var request = request
        let requestBody = try await request.collectBody(upTo: 64 << 20)
        var response = try await next(request, context)
        let responseBody = try await response.collectBody()
        response.body = ResponseBody(byteBuffer: responseBody)

        var path = "/" + parts.dropFirst(3).joined(separator: "/")
        if let q = request.uri.query, !q.isEmpty { path += "?" + q }
        let exchange = FixtureRecording.Exchange(
            method: request.method.rawValue,
            path: path,
            headers: Self.keptRequestHeaders.compactMap { name in request.headers[name].map { (name.canonicalName, $0) }
            },
            body: Self.json(requestBody),
            status: Int(response.status.code),
            responseHeaders: [HTTPField.Name.location, .contentType, .eTag].compactMap { name in
                response.headers[name].map { (name.canonicalName, $0) }
            },
            responseBody: Self.json(responseBody, gzip: response.headers[.contentEncoding] == "gzip")
        )
        let name = "\(channel)-\(stamp)"
        let document = recordings.withLock { all -> JSONValue in
            var r =
                all[channel]
                ?? FixtureRecording(name: name, baseURL: BaseURL.of(request, channel: channel, publicURL: publicURL))
            r.append(exchange)
            all[channel] = r
            return r.document
        }
        // Rewritten whole after each exchange, atomically, so the file is always a complete fixture.
        try? Data(document.serializedBytes(pretty: true)).write(
            to: directory.appendingPathComponent(name + ".json"),
            options: .atomic
        )
        return response
    }

    static func json(_ buffer: ByteBuffer, gzip: Bool = false) -> JSONValue? {
        guard buffer.readableBytes > 0 else { return nil }
        var buffer = buffer
        if gzip {
            guard let plain = try? buffer.decompress(with: .gzip()) else { return nil }
            buffer = plain
        }
        return try? JSONParser.parse(buffer.readableBytesView)
    }
}
