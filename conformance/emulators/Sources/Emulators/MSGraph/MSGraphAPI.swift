internal import Foundation
internal import SCIM

/// The Graph operations of research/targets.md §F "Endpoints used", on a directory: status codes
/// 200/201/204, lists paged with `@odata.nextLink`, errors thrown as `MSGraphError`. Everything that
/// is not about the resources (authentication, permissions, throttling, faults) happens before.
/// Pure: the emulator runs it under its lock, for a request alone or inside a `$batch`.
struct MSGraphAPI {
    /// `http://127.0.0.1:PORT/v1.0`: the base of `@odata.nextLink` and `@odata.context`.
    let graphURL: String
    let now: Duration

    func handle(_ request: MSGraphRequest, _ route: MSGraphRoute, _ d: inout MSGraphDirectory) throws(MSGraphError)
        -> MSGraphResponse
    {
        let eventual = request.header("ConsistencyLevel")
        switch (request.method, route) {
        case ("GET", .users):
            let q = try MSGraphListQuery.parse(request.query, consistencyLevel: eventual, resource: "User")
            let page = q.page(d.allUsers)
            return list("users", request, q, page, page.items.map { MSGraphRendering.user($0, select: q.select) })
        case ("POST", .users):
            let user = try d.createUser(try Self.object(request), at: now)
            return Self.json(201, context("users/$entity", MSGraphRendering.user(user)))
        case ("GET", .user(let key)):
            guard let id = d.userID(key), let user = d.users[id] else { throw .notFound(key) }
            return Self.json(200, context("users/$entity", MSGraphRendering.user(user, select: select(request))))
        case ("PATCH", .user(let key)):
            try d.updateUser(key, try Self.object(request))
            return MSGraphResponse(status: 204)
        case ("DELETE", .user(let key)):
            try d.deleteUser(key)
            return MSGraphResponse(status: 204)
        case ("GET", .groups):
            let q = try MSGraphListQuery.parse(request.query, consistencyLevel: eventual, resource: "Group")
            let page = q.page(d.allGroups)
            return list("groups", request, q, page, page.items.map { MSGraphRendering.group($0, select: q.select) })
        case ("POST", .groups):
            let group = try d.createGroup(try Self.object(request), at: now)
            return Self.json(201, context("groups/$entity", MSGraphRendering.group(group)))
        case ("GET", .group(let key)):
            guard let id = d.groupID(key), let group = d.groups[id] else { throw .notFound(key) }
            return Self.json(200, context("groups/$entity", MSGraphRendering.group(group, select: select(request))))
        case ("PATCH", .group(let key)):
            try d.updateGroup(key, try Self.object(request), at: now)
            return MSGraphResponse(status: 204)
        case ("DELETE", .group(let key)):
            try d.deleteGroup(key)
            return MSGraphResponse(status: 204)
        case ("GET", .members(let key, let usersOnly)):
            let q = try MSGraphListQuery.parse(request.query, consistencyLevel: eventual, resource: "DirectoryObject")
            let all = try d.memberObjects(key).filter { !usersOnly || $0.isUser }
            // Page over the objects with their kind attached, so that rendering knows which is which.
            let tagged = all.map { m -> JSONObject in
                var o = m.object
                o["@odata.type"] = .string(m.isUser ? "#microsoft.graph.user" : "#microsoft.graph.group")
                return o
            }
            let page = q.page(tagged)
            let rendered = page.items.map { o in
                MSGraphRendering.member(
                    o,
                    isUser: o["@odata.type"]?.stringValue == "#microsoft.graph.user",
                    select: q.select
                )
            }
            return list("directoryObjects", request, q, page, rendered)
        case ("POST", .memberReferences(let key)):
            let body = try Self.object(request)
            guard let url = body["@odata.id"]?.stringValue, let id = MSGraphReference.objectID(url) else {
                throw .badRequest("Invalid URL format specified in @odata.id for members")
            }
            try d.addMembers([id], to: key, at: now)
            return MSGraphResponse(status: 204)
        case ("DELETE", .memberReference(let key, let member)):
            try d.removeMember(member, from: key)
            return MSGraphResponse(status: 204)
        default:
            throw MSGraphError(
                405,
                "Request_BadRequest",
                "Specified HTTP method is not allowed for the request target."
            )
        }
    }

    private func select(_ request: MSGraphRequest) -> [String]? {
        request.query.first { $0.0.lowercased() == "$select" }.map {
            $0.1.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    private func context(_ entity: String, _ object: JSONObject) -> JSONValue {
        var out: JSONObject = ["@odata.context": .string("\(graphURL)/$metadata#\(entity)")]
        for (k, v) in object { out[k] = v }
        return .object(out)
    }

    /// A page: `value`, `@odata.nextLink` with the same query and a new `$skiptoken`, and
    /// `@odata.count` when `$count=true`.
    private func list(
        _ entitySet: String,
        _ request: MSGraphRequest,
        _ q: MSGraphListQuery,
        _ page: (items: [JSONObject], next: Int?, total: Int),
        _ rendered: [JSONObject]
    ) -> MSGraphResponse {
        var out: JSONObject = ["@odata.context": .string("\(graphURL)/$metadata#\(entitySet)")]
        if q.count { out["@odata.count"] = .integer(Int64(page.total)) }
        out["value"] = .array(rendered.map(JSONValue.object))
        if let next = page.next {
            var items = request.query.filter { $0.0.lowercased() != "$skiptoken" }
            items.append(("$skiptoken", MSGraphListQuery.skipToken(offset: next)))
            let query = items.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
            out["@odata.nextLink"] = .string("\(graphURL)\(request.path)?\(query)")
        }
        return Self.json(200, .object(out))
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~$")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// The JSON object body of a write; Graph's words when it is missing or not JSON.
    static func object(_ request: MSGraphRequest) throws(MSGraphError) -> JSONObject {
        guard !request.bodyIsMalformed, let body = request.body else {
            throw MSGraphError(
                400,
                "BadRequest",
                "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."
            )
        }
        guard let object = body.objectValue else {
            throw MSGraphError(400, "BadRequest", "The request body must be a JSON object, not \(body.typeName).")
        }
        return object
    }

    static func json(_ status: Int, _ body: JSONValue) -> MSGraphResponse {
        MSGraphResponse(
            status: status,
            headers: [("Content-Type", "application/json;odata.metadata=minimal")],
            body: body
        )
    }
}
