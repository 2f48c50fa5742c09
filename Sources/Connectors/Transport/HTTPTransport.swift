package import AsyncHTTPClient
import Foundation
import NIOCore
package import NIOHTTP1
package import SCIM

/// Sends JSON requests to one target through a shared `HTTPClient`, under the target's rate-limit
/// state, and classifies failures for the sync engine. The auth header is added here and never logged.
package struct HTTPTransport: Sendable {
    package struct Response: Sendable {
        package var status: Int
        package var body: JSONValue?
        package var headers: [(String, String)]

        /// The first value of a header, by case-insensitive name.
        package func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
    }

    /// An answer that means "slow down", and what it speaks for: the target or one resource.
    package struct Throttle: Sendable, Hashable {
        package var scope: RateLimitState.Scope
        /// How long to wait; nil when the target did not say (a pause of `defaultPause` is taken).
        package var after: Duration?
        /// The vendor's name for the limit (`userRateLimitExceeded`, `secondary rate limit`), for the error.
        package var reason: String?
        package init(scope: RateLimitState.Scope = .target, after: Duration?, reason: String? = nil) {
            self.scope = scope
            self.after = after
            self.reason = reason
        }
    }

    /// A vendor's own "slow down" signals (GitHub's 403 secondary limit, Google's `userRateLimitExceeded`,
    /// Slack's `resource_locked`): given a non-2xx answer and the request path, the throttle it means,
    /// or nil to leave it to the generic rule (429 and 503 with `Retry-After` pause the whole target).
    package typealias ThrottleRule = @Sendable (_ response: Response, _ path: String) -> Throttle?

    /// How long a caller that can wait (`plan`, `sync`, `doctor`) waits out throttling and outages
    /// instead of failing, and where it says so. Delivery has none: the outbox retries with backoff.
    package struct Patience: Sendable {
        /// The most time spent waiting in one call, all retries together.
        package var budget: Duration
        /// How many times a read that failed without throttling (5xx, a reset, a timeout) is repeated.
        package var failedReads: Int
        /// Told one line before each wait ("GET /Users answered 429; waiting 1.0 s").
        package var report: @Sendable (String) -> Void
        package init(
            budget: Duration = .seconds(300),
            failedReads: Int = 5,
            report: @escaping @Sendable (String) -> Void
        ) {
            self.budget = budget
            self.failedReads = failedReads
            self.report = report
        }
    }

    /// The pause taken after a throttling answer that names no time.
    package static let defaultPause = Duration.seconds(1)

    let client: HTTPClient
    let baseURL: String
    let authorization: @Sendable () async throws -> String
    /// Told the `Authorization` value a 401 refused, so that the next call carries a fresh one.
    let reauthorize: (@Sendable (String) async -> Void)?
    let contentType: String
    package let bucket: TokenBucket
    let timeout: Duration
    var throttleRule: ThrottleRule?
    var patience: Patience?
    /// Set for targets that take one write at a time per resource (`serializingWrites()`).
    var writeQueue: ResourceWriteQueue?

    /// A transport with a fixed (or synchronously computed) `Authorization` value; bodies go as SCIM JSON.
    package init(
        client: HTTPClient,
        baseURL: String,
        bucket: TokenBucket,
        timeout: Duration = .seconds(30),
        authorization: @escaping @Sendable () throws -> String
    ) {
        self.init(
            client: client,
            baseURL: baseURL,
            bucket: bucket,
            timeout: timeout,
            contentType: "application/scim+json",
            authorization: { try authorization() } as @Sendable () async throws -> String,
            reauthorize: nil
        )
    }

    /// A transport whose `Authorization` value comes from an asynchronous token provider (OAuth 2.0).
    /// A 401 answer calls `reauthorize` with the refused value and repeats the request once with a
    /// new one, so that a token that expired early, or was revoked, does not fail the call.
    package init(
        client: HTTPClient,
        baseURL: String,
        bucket: TokenBucket,
        timeout: Duration = .seconds(30),
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

    /// This transport with a vendor's throttling rule (connectors set theirs when they are made).
    package func throttling(_ rule: @escaping ThrottleRule) -> HTTPTransport {
        var t = self
        t.throttleRule = rule
        return t
    }

    /// This transport, sending at most one write (any method but GET) at a time to each resource
    /// (`/Groups/{id}`, `/Users/{id}`); writes to a collection (a POST) are not held back.
    package func serializingWrites() -> HTTPTransport {
        var t = self
        t.writeQueue = ResourceWriteQueue()
        return t
    }

    /// This transport, sharing its rate-limit state, for a caller that waits instead of failing.
    package func patient(_ patience: Patience?) -> HTTPTransport {
        var t = self
        t.patience = patience
        return t
    }

    /// Sends one request; 2xx (and any status in `accept`) come back, everything else is a `TargetError`.
    /// With `patience`, a throttled request (any method: the target did not handle it) and a failed
    /// read are repeated after the wait, within the budget; other writes are never repeated here.
    package func send(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, accept: Set<Int> = []) async throws
        -> Response
    {
        let key = RateLimitState.resourceKey(of: path)
        guard let writeQueue, method != .GET, key.dropFirst().contains("/") else {
            return try await sendPatiently(method, path, body: body, accept: accept)
        }
        return try await writeQueue.serialized(key) {
            try await sendPatiently(method, path, body: body, accept: accept)
        }
    }

    func sendPatiently(_ method: HTTPMethod, _ path: String, body: JSONValue?, accept: Set<Int>) async throws
        -> Response
    {
        let started = ContinuousClock.now
        var retries = 0
        while true {
            switch try await attempt(method, path, body: body, accept: accept) {
            case .answered(let response):
                return response
            case .failed(let error, let throttled):
                // Only what may pass is waited for: a refused credential or request is final.
                guard let patience, case .retryable = error,
                    throttled || (method == .GET && retries < patience.failedReads)
                else {
                    throw error
                }
                retries += 1
                // A throttled request waits in `acquire` for the pause; anything else backs off here.
                let wait =
                    throttled ? bucket.pauseRemaining : min(.milliseconds(250) * (1 << min(retries, 6)), .seconds(10))
                guard ContinuousClock.now - started + wait <= patience.budget else { throw error }
                patience.report("\(error); waiting \(Self.seconds(wait)) (retry \(retries))")
                if !throttled { try await Task.sleep(for: wait) }
            }
        }
    }

    enum Attempt {
        case answered(Response)
        case failed(TargetError, throttled: Bool)
    }

    func attempt(_ method: HTTPMethod, _ path: String, body: JSONValue?, accept: Set<Int>) async throws -> Attempt {
        var refused: String? = nil
        let resource = RateLimitState.resourceKey(of: path)
        while true {
            let credential = try await credential()
            // The token is taken last, right before the request leaves: a pause that began while this
            // call waited for its credential still holds it back.
            try await bucket.acquire(resource: resource)
            var request = HTTPClientRequest(url: baseURL + path)
            request.method = method
            request.headers.add(name: "Authorization", value: credential)
            request.headers.add(name: "Accept", value: "application/scim+json, application/json")
            if let body {
                request.headers.add(name: "Content-Type", value: contentType)
                request.body = .bytes(ByteBuffer(bytes: body.serializedBytes()))
            }
            let answer: HTTPClientResponse
            let bytes: ByteBuffer
            let sent = ContinuousClock.now
            do {
                answer = try await client.execute(request, timeout: .init(timeout))
                bytes = try await answer.body.collect(upTo: 64 << 20)
            } catch {
                measure(method, path, .networkError, since: sent)
                return .failed(
                    .retryable(detail: "\(method.rawValue) \(path): \(Self.describe(error))", after: nil),
                    throttled: false
                )
            }
            let status = Int(answer.status.code)
            defer { measure(method, path, Self.outcome(status), since: sent) }
            let json = bytes.readableBytes > 0 ? try? JSONParser.parse(bytes.readableBytesView) : nil
            let response = Response(status: status, body: json, headers: answer.headers.map { ($0.name, $0.value) })
            if (200..<300).contains(status) { return .answered(response) }
            // SCIM errors carry `detail`, others `message`, Google's `error.message`.
            let message = (json?["detail"] ?? json?["message"] ?? json?["error"]?["message"])?.stringValue
            let detail = "\(method.rawValue) \(path) answered \(status)" + (message.map { ": \($0)" } ?? "")
            if let throttle = throttleRule?(response, path) ?? Self.genericThrottle(response) {
                let after = throttle.after ?? Self.defaultPause
                bucket.pause(for: after, scope: throttle.scope)
                TargetCallMetrics.throttled(target: bucket.target, pause: after)
                return .failed(
                    .retryable(detail: detail + (throttle.reason.map { " (\($0))" } ?? ""), after: after),
                    throttled: true
                )
            }
            if accept.contains(status) { return .answered(response) }
            if status == 401 {
                if let reauthorize, refused == nil {
                    // Once: a second 401 with a fresh credential is a real refusal.
                    refused = credential
                    await reauthorize(credential)
                    continue
                }
                return .failed(.unauthenticated(detail: detail), throttled: false)
            }
            if status >= 500 || status == 408 {
                return .failed(.retryable(detail: detail, after: nil), throttled: false)
            }
            return .failed(.permanent(status: status, detail: detail), throttled: false)
        }
    }

    func measure(
        _ method: HTTPMethod,
        _ path: String,
        _ outcome: TargetCallMetrics.Outcome,
        since sent: ContinuousClock.Instant
    ) {
        TargetCallMetrics.record(
            target: bucket.target,
            method: method.rawValue,
            path: path,
            outcome: outcome,
            duration: ContinuousClock.now - sent
        )
    }

    static func outcome(_ status: Int) -> TargetCallMetrics.Outcome {
        switch status {
        case 200..<400: .success
        case 429: .throttled
        case 400..<500: .clientError
        default: .serverError
        }
    }

    /// The `Authorization` value. A secret that cannot be read, or a token endpoint that refuses the
    /// grant, is the target's authentication problem, reported as such (never with the secret).
    func credential() async throws(TargetError) -> String {
        do {
            return try await authorization()
        } catch let error as TargetError {
            if case .permanent(_, let detail) = error { throw .unauthenticated(detail: detail) }
            throw error
        } catch {
            throw .unauthenticated(detail: "the credential cannot be read: \(error)")
        }
    }

    /// 429, and 503 with `Retry-After`: the whole target asks for time.
    static func genericThrottle(_ r: Response) -> Throttle? {
        let after = r.header("Retry-After").flatMap(retryAfter)
        if r.status == 429 || (r.status == 503 && after != nil) { return Throttle(scope: .target, after: after) }
        return nil
    }

    /// `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3).
    package static func retryAfter(_ value: String) -> Duration? {
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
    package static func describe(_ error: any Error) -> String {
        if let e = error as? HTTPClientError { return "\(e)" }
        return String(describing: type(of: error)) + ": \(error)"
    }

    static func seconds(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return String(format: "%.1f s", s)
    }
}
