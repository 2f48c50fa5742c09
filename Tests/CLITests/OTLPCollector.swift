import Foundation
import Hummingbird
import Logging
import SCIM
import Synchronization

/// An OpenTelemetry collector as far as the tests need one: it takes OTLP/HTTP JSON on `/v1/traces`
/// (what `server.tracing` with `protocol: http/json` sends) and keeps every span it received.
final class OTLPCollector: Sendable {
    /// One received span, its ids in lowercase hex as W3C `traceparent` spells them.
    struct Span: Sendable, Hashable {
        var traceID: String
        var spanID: String
        var parentSpanID: String?
        var name: String
        var kind: String
        var attributes: [String: String]
    }

    private let received = Mutex<[Span]>([])

    var spans: [Span] { received.withLock { $0 } }

    /// Runs the collector on a free loopback port for the duration of `body`, which gets its base URL.
    func run<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 16 << 20)
            let json = try JSONParser.parse(bytes.readableBytesView)
            let spans = Self.spans(in: json)
            self.received.withLock { $0 += spans }
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: .init(string: "{}"))
            )
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "otlp-collector")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { continuation.finish() }
                try await app.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            defer { group.cancelAll() }
            return try await body("http://127.0.0.1:\(port)")
        }
    }

    /// The spans of an `ExportTraceServiceRequest` in OTLP's JSON encoding.
    static func spans(in json: JSONValue) -> [Span] {
        var found: [Span] = []
        for resource in json["resourceSpans"]?.arrayValue ?? [] {
            for scope in resource["scopeSpans"]?.arrayValue ?? [] {
                for span in scope["spans"]?.arrayValue ?? [] {
                    guard let trace = span["traceId"]?.stringValue, let id = span["spanId"]?.stringValue else {
                        continue
                    }
                    var attributes: [String: String] = [:]
                    for a in span["attributes"]?.arrayValue ?? [] {
                        guard let key = a["key"]?.stringValue,
                            let value = a["value"]?.objectValue?.first(where: { _ in true })?.value
                        else {
                            continue
                        }
                        attributes[key] = value.stringValue ?? value.serialized()
                    }
                    let parent = span["parentSpanId"]?.stringValue.map(hex)
                    found.append(
                        Span(
                            traceID: hex(trace),
                            spanID: hex(id),
                            parentSpanID: parent?.isEmpty == true ? nil : parent,
                            name: span["name"]?.stringValue ?? "",
                            kind: span["kind"]?.stringValue ?? span["kind"].map { $0.serialized() } ?? "",
                            attributes: attributes
                        )
                    )
                }
            }
        }
        return found
    }

    /// OTLP/JSON writes ids in hex; a protobuf JSON encoder that does not follow it writes base64.
    static func hex(_ id: String) -> String {
        if id.allSatisfy(\.isHexDigit), id.count == 32 || id.count == 16 { return id.lowercased() }
        guard let data = Data(base64Encoded: id) else { return id }
        return data.map { String(format: "%02x", $0) }.joined()
    }
}
