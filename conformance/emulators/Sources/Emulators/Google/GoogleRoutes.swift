internal import Foundation
internal import Hummingbird
internal import NIOCore
internal import SCIM

/// The Directory API v1 methods the discovery document gives for `users`, `groups` and `members`
/// (paths under `/admin/directory/v1`), with their required parameters and page limits
/// (users 500, groups and members 200).
struct GoogleRoutes: Sendable {
    let emulator: GoogleEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let api = router.group(RouterPath(String(GoogleEmulator.apiPath.dropFirst())))
        // users
        api.get("users") { request, _ in
            let q = QueryParameters(request.uri.query)
            try Self.requireCustomerOrDomain(q)
            let all = try emulator.withDirectory { d, _ in d.users.map { d.rendered(user: $0) } }
            let filtered = all.filter { u in
                guard let domain = q["domain"] else { return true }
                return u["primaryEmail"]?.stringValue?.lowercased().hasSuffix("@" + domain.lowercased()) ?? false
            }
            let page = try GoogleDirectory.page(
                filtered,
                maxResults: q["maxResults"],
                default: 100,
                limit: 500,
                pageToken: q["pageToken"]
            )
            return Self.list("admin#directory#users", "users", page)
        }
        api.post("users") { request, _ in
            let body = try await Self.body(request)
            return Self.json(200, .object(try emulator.withDirectory { d, _ in try d.insertUser(body) }))
        }
        api.get("users/:userKey") { _, context in
            let key = try Self.key(context, "userKey")
            return Self.json(200, .object(try emulator.withDirectory { d, _ in try d.user(key) }))
        }
        let updateUser: @Sendable (Request, EmulatorRequestContext) async throws -> Response = { request, context in
            let key = try Self.key(context, "userKey")
            let body = try await Self.body(request)
            return Self.json(200, .object(try emulator.withDirectory { d, _ in try d.patchUser(key, body) }))
        }
        api.patch("users/:userKey", use: updateUser)
        api.put("users/:userKey", use: updateUser)
        api.delete("users/:userKey") { _, context in
            let key = try Self.key(context, "userKey")
            try emulator.withDirectory { d, _ in try d.deleteUser(key) }
            return Response(status: .noContent)
        }
        // groups
        api.get("groups") { request, _ in
            let q = QueryParameters(request.uri.query)
            if q["userKey"] == nil { try Self.requireCustomerOrDomain(q) }
            let all = try emulator.withDirectory { (d, _) throws(GoogleError) in
                var groups = d.groups.map { d.rendered(group: $0) }
                if let domain = q["domain"] {
                    groups = groups.filter {
                        $0["email"]?.stringValue?.lowercased().hasSuffix("@" + domain.lowercased()) ?? false
                    }
                }
                if let userKey = q["userKey"] {
                    guard let u = d.userIndex(userKey), let uid = d.users[u]["id"]?.stringValue else {
                        throw GoogleError.notFound("userKey")
                    }
                    groups = groups.filter { g in d.memberIndex(group: g["id"]?.stringValue ?? "", uid) != nil }
                }
                if let query = q["query"] {
                    var matching: [JSONObject] = []
                    for g in groups {
                        if try GoogleDirectory.matches(g, query: query) { matching.append(g) }
                    }
                    groups = matching
                }
                return groups
            }
            let page = try GoogleDirectory.page(
                all,
                maxResults: q["maxResults"],
                default: 200,
                limit: 200,
                pageToken: q["pageToken"]
            )
            return Self.list("admin#directory#groups", "groups", page)
        }
        api.post("groups") { request, _ in
            let body = try await Self.body(request)
            let group = try emulator.withDirectory { d, _ in try d.insertGroup(body) }
            if let id = group["id"]?.stringValue { emulator.groupCreated(id) }
            return Self.json(200, .object(group))
        }
        api.get("groups/:groupKey") { _, context in
            let key = try Self.key(context, "groupKey")
            return Self.json(
                200,
                .object(
                    try emulator.withDirectory { d, propagating in
                        if propagating(key) { throw GoogleError.notFound("groupKey") }
                        return try d.group(key)
                    }
                )
            )
        }
        let updateGroup: @Sendable (Request, EmulatorRequestContext) async throws -> Response = { request, context in
            let key = try Self.key(context, "groupKey")
            let body = try await Self.body(request)
            return Self.json(
                200,
                .object(
                    try emulator.withDirectory { d, propagating in
                        if propagating(key) { throw GoogleError.notFound("groupKey") }
                        return try d.patchGroup(key, body)
                    }
                )
            )
        }
        api.patch("groups/:groupKey", use: updateGroup)
        api.put("groups/:groupKey", use: updateGroup)
        api.delete("groups/:groupKey") { _, context in
            let key = try Self.key(context, "groupKey")
            try emulator.withDirectory { d, propagating in
                if propagating(key) { throw GoogleError.notFound("groupKey") }
                try d.deleteGroup(key)
            }
            return Response(status: .noContent)
        }
        // members
        api.get("groups/:groupKey/members") { request, context in
            let key = try Self.key(context, "groupKey")
            let q = QueryParameters(request.uri.query)
            var members = try emulator.withDirectory { d, propagating in
                if propagating(key) { throw GoogleError.notFound("groupKey") }
                return try d.members(group: key)
            }
            if let roles = q["roles"] {
                let wanted = Set(roles.split(separator: ",").map { $0.uppercased() })
                members = members.filter { wanted.contains($0["role"]?.stringValue ?? "") }
            }
            let page = try GoogleDirectory.page(
                members,
                maxResults: q["maxResults"],
                default: 200,
                limit: 200,
                pageToken: q["pageToken"]
            )
            return Self.list("admin#directory#members", "members", page)
        }
        api.post("groups/:groupKey/members") { request, context in
            let key = try Self.key(context, "groupKey")
            let body = try await Self.body(request)
            return Self.json(
                200,
                .object(
                    try emulator.withDirectory { d, propagating in
                        if propagating(key) { throw GoogleError.notFound("groupKey") }
                        return try d.insertMember(group: key, body)
                    }
                )
            )
        }
        api.get("groups/:groupKey/members/:memberKey") { _, context in
            let key = try Self.key(context, "groupKey")
            let member = try Self.key(context, "memberKey")
            return Self.json(
                200,
                .object(
                    try emulator.withDirectory { d, propagating in
                        if propagating(key) { throw GoogleError.notFound("groupKey") }
                        return try d.member(group: key, member)
                    }
                )
            )
        }
        api.get("groups/:groupKey/hasMember/:memberKey") { _, context in
            let key = try Self.key(context, "groupKey")
            let member = try Self.key(context, "memberKey")
            let isMember = try emulator.withDirectory { (d, propagating) throws(GoogleError) -> Bool in
                if propagating(key) { throw GoogleError.notFound("groupKey") }
                return (try? d.member(group: key, member)) != nil
            }
            return Self.json(200, ["isMember": .bool(isMember)])
        }
        api.delete("groups/:groupKey/members/:memberKey") { _, context in
            let key = try Self.key(context, "groupKey")
            let member = try Self.key(context, "memberKey")
            try emulator.withDirectory { d, propagating in
                if propagating(key) { throw GoogleError.notFound("groupKey") }
                try d.deleteMember(group: key, member)
            }
            return Response(status: .noContent)
        }
    }

    /// `users.list` and `groups.list` need `customer` or `domain` (research/targets.md §E Google 8).
    static func requireCustomerOrDomain(_ q: QueryParameters) throws(GoogleError) {
        guard q["customer"] != nil || q["domain"] != nil else { throw GoogleError.badRequest }
    }

    static func key(_ context: EmulatorRequestContext, _ name: String) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    /// A JSON object body sent as `application/json` (what Google accepts), else 400.
    static func body(_ request: Request) async throws -> JSONObject {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/json") else {
            throw GoogleError(
                400,
                "Invalid JSON payload: Content-Type must be application/json, not '\(type)'.",
                reason: "parseError"
            )
        }
        let buffer = try await request.body.collect(upTo: 1 << 20)
        guard let json = try? JSONParser.parse(buffer.readableBytesView), let object = json.objectValue else {
            throw GoogleError(400, "Invalid JSON payload received.", reason: "parseError")
        }
        return object
    }

    static func list(_ kind: String, _ key: String, _ page: (items: [JSONObject], next: String?)) -> Response {
        var o: JSONObject = ["kind": .string(kind), "etag": "\"emulator\""]
        if !page.items.isEmpty { o[key] = .array(page.items.map(JSONValue.object)) }  // Google omits an empty list
        if let next = page.next { o["nextPageToken"] = .string(next) }
        return json(200, .object(o))
    }

    static func json(_ status: Int, _ value: JSONValue) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=UTF-8"
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serializedBytes()))
        )
    }

    static func error(_ error: GoogleError, retryAfter: Int? = nil) -> Response {
        var response = json(error.code, error.json)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}
