import Foundation
package import SCIM

/// JSON batching (`POST /$batch`): up to 20 requests in one call, each answered on its own, possibly in
/// another order, with its own status and headers (an inner 429 carries its own `Retry-After`). Pure.
package enum MSGraphBatch {
    /// The most requests one batch may carry.
    package static let limit = 20

    /// One request of a batch; `url` is relative to the API version (`/groups/{id}/members/$ref`).
    package struct Request: Sendable, Hashable {
        package var method: String
        package var url: String
        package var body: JSONValue?
        package init(method: String, url: String, body: JSONValue? = nil) {
            self.method = method
            self.url = url
            self.body = body
        }
    }

    /// One inner answer.
    package struct Answer: Sendable {
        package var status: Int
        package var body: JSONValue?
        /// The inner `Retry-After`, in seconds as Graph sends it.
        package var retryAfter: Duration?
    }

    /// The batch body; request `i` gets id `"i"`. A body goes with its `Content-Type`, as Graph requires.
    package static func body(_ requests: [Request]) -> JSONValue {
        .object([
            "requests": .array(
                requests.enumerated().map { i, r in
                    var o: JSONObject = ["id": .string(String(i)), "method": .string(r.method), "url": .string(r.url)]
                    if let body = r.body {
                        o["headers"] = ["Content-Type": "application/json"]
                        o["body"] = body
                    }
                    return .object(o)
                }
            )
        ])
    }

    /// The answers by request index; a request the answer lacks has none (the caller counts it as unanswered).
    package static func answers(_ response: JSONValue?, count: Int) -> [Int: Answer] {
        var out: [Int: Answer] = [:]
        for r in response?["responses"]?.arrayValue ?? [] {
            guard let id = r["id"]?.stringValue.flatMap(Int.init), (0..<count).contains(id),
                let status = r["status"]?.integerValue
            else { continue }
            let headers = r["headers"]?.objectValue ?? [:]
            let retryAfter = headers.first { $0.key.caseInsensitiveCompare("Retry-After") == .orderedSame }
                .flatMap { $0.value.stringValue ?? $0.value.integerValue.map { String($0) } }
                .flatMap(HTTPTransport.retryAfter)
            out[id] = Answer(status: Int(status), body: r["body"], retryAfter: retryAfter)
        }
        return out
    }
}
