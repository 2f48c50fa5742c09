internal import Foundation
public import SCIM

/// A JSON batch (`POST /v1.0/$batch`, research/targets.md §F "Batching"): at most 20 requests with
/// unique ids, relative urls, a `Content-Type` header on each request that has a body, and
/// `dependsOn` naming other requests of the batch. `order` runs dependencies first; a request whose
/// dependency failed is answered 424 without running. Pure: the emulator runs each request through
/// the same pipeline as one that came alone.
public struct MSGraphBatch: Sendable {
    /// One request of the batch, as sent.
    public struct Item: Sendable {
        public var id: String
        public var method: String
        public var url: String
        public var headers: [(String, String)]
        public var body: JSONValue?
        public var dependsOn: [String]
    }

    public static let maximumRequests = 20

    public var items: [Item]

    /// Reads and checks a batch body; a broken batch fails as a whole with 400.
    public init(_ body: JSONValue?) throws(MSGraphError) {
        guard let requests = body?["requests"]?.arrayValue else {
            throw MSGraphError(400, "BadRequest", "Invalid batch payload format: the body needs a 'requests' array.")
        }
        guard requests.count <= Self.maximumRequests else {
            throw MSGraphError(
                400,
                "BadRequest",
                "The number of requests in a batch cannot exceed \(Self.maximumRequests); this one has \(requests.count)."
            )
        }
        var items: [Item] = []
        for (i, request) in requests.enumerated() {
            guard let object = request.objectValue else {
                throw MSGraphError(400, "BadRequest", "Invalid batch payload format: request \(i) is not an object.")
            }
            let id = object["id"]?.stringValue ?? object["id"]?.integerValue.map { String($0) }
            guard let id, !id.isEmpty else {
                throw MSGraphError(400, "BadRequest", "Invalid batch payload format: request \(i) has no 'id'.")
            }
            guard !items.contains(where: { $0.id == id }) else {
                throw MSGraphError(400, "BadRequest", "Request id '\(id)' appears more than once in the batch.")
            }
            guard let method = object["method"]?.stringValue, let url = object["url"]?.stringValue else {
                throw MSGraphError(
                    400,
                    "BadRequest",
                    "Invalid batch payload format: request '\(id)' needs 'method' and 'url'."
                )
            }
            var headers: [(String, String)] = []
            for (name, value) in object["headers"]?.objectValue ?? JSONObject() {
                headers.append((name, value.stringValue ?? value.serialized()))
            }
            let body = object["body"]
            if let body, !body.isNull, !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                throw MSGraphError(
                    400,
                    "BadRequest",
                    "Request '\(id)' has a body but no Content-Type header; a batch request with a body must declare one."
                )
            }
            let dependsOn = (object["dependsOn"]?.arrayValue ?? []).compactMap(\.stringValue)
            items.append(
                Item(
                    id: id,
                    method: method.uppercased(),
                    url: url,
                    headers: headers,
                    body: body?.isNull == true ? nil : body,
                    dependsOn: dependsOn
                )
            )
        }
        for item in items {
            for dependency in item.dependsOn where !items.contains(where: { $0.id == dependency }) {
                throw MSGraphError(
                    400,
                    "BadRequest",
                    "Request '\(item.id)' depends on '\(dependency)', which is not in the batch."
                )
            }
        }
        self.items = try Self.ordered(items)
    }

    /// The items with every dependency before its dependents, otherwise in the order sent.
    static func ordered(_ items: [Item]) throws(MSGraphError) -> [Item] {
        var done: [Item] = []
        var pending = items
        while !pending.isEmpty {
            guard
                let next = pending.firstIndex(where: { item in
                    item.dependsOn.allSatisfy { d in done.contains { $0.id == d } }
                })
            else {
                throw MSGraphError(400, "BadRequest", "The dependsOn references of the batch form a cycle.")
            }
            done.append(pending.remove(at: next))
        }
        return done
    }

    /// The Graph request an item stands for, or why it cannot be one (answered 400 in its place).
    public static func request(_ item: Item) -> Result<MSGraphRequest, MSGraphError> {
        guard !item.url.contains("://") else {
            return .failure(
                MSGraphError(400, "BadRequest", "The url of a batch request must be relative, as '/users'.")
            )
        }
        var url = item.url
        if !url.hasPrefix("/") { url = "/" + url }
        let parts = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = QueryParameters.decode(parts[0].replacingOccurrences(of: "+", with: "%2B")[...])
        var query: [(String, String)] = []
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.append((QueryParameters.decode(kv[0]), kv.count > 1 ? QueryParameters.decode(kv[1]) : ""))
            }
        }
        return .success(
            MSGraphRequest(method: item.method, path: path, query: query, headers: item.headers, body: item.body)
        )
    }

    /// One entry of the batch answer: `{id, status, headers, body}`.
    public static func entry(id: String, _ response: MSGraphResponse) -> JSONValue {
        var headers = JSONObject()
        for (name, value) in response.headers { headers[name] = .string(value) }
        var o: JSONObject = [
            "id": .string(id), "status": .integer(Int64(response.status)), "headers": .object(headers),
        ]
        if let body = response.body { o["body"] = body }
        return .object(o)
    }
}
