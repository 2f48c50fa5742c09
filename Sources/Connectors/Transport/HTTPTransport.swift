public import AsyncHTTPClient
import Foundation
import NIOCore
public import NIOHTTP1
public import SCIM

/// Sends JSON requests to one target through a shared `HTTPClient`, under the target's token bucket,
/// and classifies failures for the sync engine. The auth header is added here and never logged.
public struct HTTPTransport: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var body: JSONValue?
        public var headers: [(String, String)]
    }

    let client: HTTPClient
    let baseURL: String
    let authorization: @Sendable () async throws -> String
    /// Told the `Authorization` value a 401 refused, so that the next call carries a fresh one.
    let reauthorize: (@Sendable (String) async -> Void)?
    let contentType: String
    let bucket: TokenBucket
    let timeout: Duration

    /// A transport with a fixed (or synchronously computed) `Authorization` value; bodies go as SCIM JSON.
    public init(
        client: HTTPClient, baseURL: String, bucket: TokenBucket, timeout: Duration = .seconds(30),
        authorization: @escaping @Sendable () throws -> String
    ) {
        self.init(
            client: client, baseURL: baseURL, bucket: bucket, timeout: timeout, contentType: "application/scim+json",
            authorization: { try authorization() } as @Sendable () async throws -> String, reauthorize: nil)
    }

    /// A transport whose `Authorization` value comes from an asynchronous token provider (OAuth 2.0).
    /// A 401 answer calls `reauthorize` with the refused value and repeats the request once with a
    /// new one, so that a token that expired early, or was revoked, does not fail the call.
    public init(
        client: HTTPClient, baseURL: String, bucket: TokenBucket, timeout: Duration = .seconds(30),
        contentType: String = "application/json",
        authorization: @escaping @Sendable () async throws -> String,
        reauthorize: (@Sendable (String) async -> Void)?
    ) {
        self.client = client
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.bucket = bucket
        self.timeout = timeout
        self.contentType = contentType
        self.authorization = authorization
        self.reauthorize = reauthorize
    }

    /// Sends one request; 2xx (and any status in `accept`) come back, everything else is a `TargetError`.
    public func send(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, accept: Set<Int> = []) async throws
        -> Response
    {
        var refused: String? = nil
        while true {
            try await bucket.acquire()
            let credential = try await authorization()
            var request = HTTPClientRequest(url: baseURL + path)
            request.method = method
            request.headers.add(name: "Authorization", value: credential)
            request.headers.add(name: "Accept", value: "application/scim+json, application/json")
            if let body {
                request.headers.add(name: "Content-Type", value: contentType)
                request.body = .bytes(ByteBuffer(bytes: body.serializedBytes()))
            }
            let response: HTTPClientResponse
            let bytes: ByteBuffer
            do {
                response = try await client.execute(request, timeout: .init(timeout))
                bytes = try await response.body.collect(upTo: 64 << 20)
            } catch {
                throw TargetError.retryable(detail: "\(method.rawValue) \(path): \(Self.describe(error))", after: nil)
            }
            let status = Int(response.status.code)
            if status == 401, let reauthorize, refused == nil, !accept.contains(401) {
                // Once: a second 401 with a fresh credential is a real refusal.
                refused = credential
                await reauthorize(credential)
                continue
            }
            let json = bytes.readableBytes > 0 ? try? JSONParser.parse(bytes.readableBytesView) : nil
            let headers = response.headers.map { ($0.name, $0.value) }
            if (200..<300).contains(status) || accept.contains(status) {
                return Response(status: status, body: json, headers: headers)
            }
            // SCIM errors carry `detail`, others `message`, Google's `error.message`.
            let message = (json?["detail"] ?? json?["message"] ?? json?["error"]?["message"])?.stringValue
            let detail = "\(method.rawValue) \(path) answered \(status)" + (message.map { ": \($0)" } ?? "")
            if status == 429 || status >= 500 || status == 408 {
                let after = response.headers.first(name: "Retry-After").flatMap(Self.retryAfter)
                if let after { bucket.pause(for: after) }
                throw TargetError.retryable(detail: detail, after: after)
            }
            throw TargetError.permanent(status: status, detail: detail)
        }
    }

    /// `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3).
    static func retryAfter(_ value: String) -> Duration? {
        if let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return .milliseconds(Int64(seconds * 1000))
        }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = f.date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSinceNow) * 1000))
    }

    /// A transport failure, without anything secret (URLs here carry no credentials).
    static func describe(_ error: any Error) -> String {
        if let e = error as? HTTPClientError { return "\(e)" }
        return String(describing: type(of: error)) + ": \(error)"
    }
}
