internal import Hummingbird
internal import SCIM

/// The twelve operations of GitHub's enterprise SCIM API: `/Users` and `/Groups`, each with list,
/// provision, get, set (PUT), update (PATCH) and delete. Bodies are checked by `GitHubEMUContract`.
struct GitHubEMURoutes: Sendable {
    let emulator: GitHubEMUEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        // Paths are case-sensitive on GitHub: `Users` and `Groups`, capitalised.
        let base = router.group(RouterPath("scim/v2/enterprises/:enterprise"))
        base.get("Users") { request, _ in try listUsers(request) }
        base.post("Users") { request, _ in try await createUser(request) }
        base.get("Users/:id") { _, context in try getUser(try context.parameters.require("id")) }
        base.put("Users/:id") { request, context in try await replaceUser(try context.parameters.require("id"), request)
        }
        base.patch("Users/:id") { request, context in try await patchUser(try context.parameters.require("id"), request)
        }
        base.delete("Users/:id") { _, context in try deleteUser(try context.parameters.require("id")) }
        base.get("Groups") { request, _ in try listGroups(request) }
        base.post("Groups") { request, _ in try await createGroup(request) }
        base.get("Groups/:id") { request, context in try getGroup(try context.parameters.require("id"), request) }
        base.put("Groups/:id") { request, context in
            try await replaceGroup(try context.parameters.require("id"), request)
        }
        base.patch("Groups/:id") { request, context in
            try await patchGroup(try context.parameters.require("id"), request)
        }
        base.delete("Groups/:id") { _, context in try deleteGroup(try context.parameters.require("id")) }
    }

    // MARK: - Users

    func listUsers(_ request: Request) throws -> Response {
        let q = QueryParameters(request.uri.query)
        let filter = try q["filter"].map { t throws(SCIMError) in
            try GitHubEMUFilter.parse(t, allowed: GitHubEMUFilter.userAttributes)
        }
        let (start, count) = try page(q)
        return try emulator.withDirectory { (d, base, _) throws(SCIMError) in
            let all = d.searchUsers(filter)
            return listResponse(
                total: all.count,
                start: start,
                page: slice(all, start, count).map { .object(d.render($0, baseURL: base)) }
            )
        }
    }

    func createUser(_ request: Request) async throws -> Response {
        let body = try await SCIMMessages.object(of: request)
        try GitHubEMUContract.validateUser(body)
        let now = GitHubEMUEmulator.now()
        let user = try emulator.withDirectory { (d, base, _) throws(SCIMError) in
            let u = GitHubEMUDirectory.User(
                id: GitHubEMUEmulator.newID(),
                attributes: Self.userAttributes(body),
                created: now,
                lastModified: now
            )
            try d.putUser(u)
            return d.render(u, baseURL: base)
        }
        return created(user)
    }

    func getUser(_ id: String) throws -> Response {
        let user = try emulator.withDirectory { (d, base, _) throws(SCIMError) in
            d.render(try d.user(id), baseURL: base)
        }
        return GitHubEMUResponses.resource(200, .object(user))
    }

    /// PUT replaces every attribute ("any existing information that you don't provide will be removed").
    func replaceUser(_ id: String, _ request: Request) async throws -> Response {
        let body = try await SCIMMessages.object(of: request)
        try GitHubEMUContract.validateUser(body)
        let now = GitHubEMUEmulator.now()
        let user = try emulator.withDirectory { (d, base, _) throws(SCIMError) in
            var u = try d.user(id)
            u.attributes = Self.userAttributes(body)
            u.lastModified = now
            try d.putUser(u)
            return d.render(u, baseURL: base)
        }
        return GitHubEMUResponses.resource(200, .object(user))
    }

    func patchUser(_ id: String, _ request: Request) async throws -> Response {
        let ops = try GitHubEMUContract.validatePatch(try await SCIMMessages.object(of: request))
        let now = GitHubEMUEmulator.now()
        let user = try emulator.withDirectory { (d, base, _) throws(SCIMError) in
            var u = try d.user(id)
            try GitHubEMUPatch.apply(ops, to: &u.attributes)
            var checked = u.attributes
            checked["schemas"] = [.string(GitHubEMUContract.userSchema)]
            try GitHubEMUContract.validateUser(checked)
            u.lastModified = now
            try d.putUser(u)
            return d.render(u, baseURL: base)
        }
        return GitHubEMUResponses.resource(200, .object(user))
    }

    /// Permanent: GitHub anonymises the account (suspension is `active: false`).
    func deleteUser(_ id: String) throws -> Response {
        try emulator.withDirectory { (d, _, _) throws(SCIMError) in try d.deleteUser(id) }
        return Response(status: .noContent)
    }

    static func userAttributes(_ body: JSONObject) -> JSONObject {
        JSONObject(GitHubEMUPatch.userAttributes.compactMap { key in body[key].map { (key, $0) } })
    }

    // MARK: - Groups

    func listGroups(_ request: Request) throws -> Response {
        let q = QueryParameters(request.uri.query)
        let filter = try q["filter"].map { t throws(SCIMError) in
            try GitHubEMUFilter.parse(t, allowed: GitHubEMUFilter.groupAttributes)
        }
        let (start, count) = try page(q)
        let members = !Self.excludesMembers(q)
        return try emulator.withDirectory { (d, base, _) throws(SCIMError) in
            let all = d.searchGroups(filter)
            return listResponse(
                total: all.count,
                start: start,
                page: slice(all, start, count).map { .object(d.render($0, baseURL: base, members: members)) }
            )
        }
    }

    /// POST: members in the body "are designated as external group members"; each needs `value` and `displayName`.
    func createGroup(_ request: Request) async throws -> Response {
        let body = try await SCIMMessages.object(of: request)
        let members = try GitHubEMUContract.validateGroup(body)
        let now = GitHubEMUEmulator.now()
        let group = try emulator.withDirectory { (d, base, _) throws(SCIMError) in
            try d.checkMembers(members)
            var g = GitHubEMUDirectory.Group(
                id: GitHubEMUEmulator.newID(),
                externalId: body["externalId"]!.stringValue!,
                displayName: body["displayName"]!.stringValue!,
                created: now
            )
            g.add(members)
            try d.putGroup(g)
            return d.render(g, baseURL: base)
        }
        return created(group)
    }

    func getGroup(_ id: String, _ request: Request) throws -> Response {
        let members = !Self.excludesMembers(QueryParameters(request.uri.query))
        let group = try emulator.withDirectory { (d, base, _) throws(SCIMError) in
            d.render(try d.group(id), baseURL: base, members: members)
        }
        return GitHubEMUResponses.resource(200, .object(group))
    }

    /// PUT replaces the group, membership included: omitting `members` empties it.
    func replaceGroup(_ id: String, _ request: Request) async throws -> Response {
        let body = try await SCIMMessages.object(of: request)
        let members = try GitHubEMUContract.validateGroup(body)
        let now = GitHubEMUEmulator.now()
        let group = try emulator.withDirectory { (d, base, _) throws(SCIMError) in
            var g = try d.group(id)
            try d.checkMembers(members)
            g.externalId = body["externalId"]!.stringValue!
            g.displayName = body["displayName"]!.stringValue!
            g.setMembers(members)
            g.lastModified = now
            try d.putGroup(g)
            return d.render(g, baseURL: base)
        }
        return GitHubEMUResponses.resource(200, .object(group))
    }

    /// PATCH: 204, or 200 with the group, as the emulator is configured (GitHub's spec lists both).
    func patchGroup(_ id: String, _ request: Request) async throws -> Response {
        let ops = try GitHubEMUContract.validatePatch(try await SCIMMessages.object(of: request))
        let now = GitHubEMUEmulator.now()
        let group = try emulator.withDirectory { (d, base, answer) throws(SCIMError) -> JSONObject? in
            var g = try d.group(id)
            try GitHubEMUPatch.apply(ops, to: &g, in: d)
            g.lastModified = now
            try d.putGroup(g)
            return answer == .group ? d.render(g, baseURL: base) : nil
        }
        return group.map { GitHubEMUResponses.resource(200, .object($0)) } ?? Response(status: .noContent)
    }

    func deleteGroup(_ id: String) throws -> Response {
        try emulator.withDirectory { (d, _, _) throws(SCIMError) in try d.deleteGroup(id) }
        return Response(status: .noContent)
    }

    static func excludesMembers(_ q: QueryParameters) -> Bool {
        q["excludedAttributes"]?.split(separator: ",").contains { caseInsensitiveEquals($0.trimmedOfSpaces, "members") }
            ?? false
    }

    // MARK: - Paging

    /// `startIndex` (1-based, default 1) and `count` (default 30, clamped to the largest page).
    func page(_ q: QueryParameters) throws(SCIMError) -> (start: Int, count: Int) {
        func integer(_ name: String, _ fallback: Int) throws(SCIMError) -> Int {
            guard let text = q[name] else { return fallback }
            guard let n = Int(text) else {
                throw SCIMError(
                    status: 400,
                    scimType: .invalidValue,
                    detail: "'\(name)' must be an integer, not '\(text)'."
                )
            }
            return n
        }
        let start = max(1, try integer("startIndex", 1))
        let count = min(
            max(0, try integer("count", GitHubEMUEmulator.defaultPageSize)),
            emulator.configuration.maxPageSize
        )
        return (start, count)
    }

    func slice<T>(_ all: [T], _ start: Int, _ count: Int) -> ArraySlice<T> {
        let from = min(start - 1, all.count)
        return all[from..<min(from + count, all.count)]
    }

    func listResponse(total: Int, start: Int, page: [JSONValue]) -> Response {
        GitHubEMUResponses.resource(
            200,
            [
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": .integer(Int64(total)),
                "Resources": .array(page), "startIndex": .integer(Int64(start)),
                "itemsPerPage": .integer(Int64(page.count)),
            ]
        )
    }

    func created(_ resource: JSONObject) -> Response {
        var headers = HTTPFields()
        headers[.location] = resource["meta"]?["location"]?.stringValue
        return GitHubEMUResponses.resource(201, .object(resource), headers: headers)
    }
}
