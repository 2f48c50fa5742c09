internal import Hummingbird
internal import NIOCore
internal import SCIM

/// Slack's SCIM v2 endpoints (targets.md §B "Endpoints"): `/Users` and `/Groups` with their items,
/// and `/ServiceProviderConfig`. Lists page with `startIndex` and `count` (10 by default, at most 1000).
struct SlackRoutes: Sendable {
    let emulator: SlackEmulator

    static let defaultPageSize = 10
    static let maximumPageSize = 1000

    func register(on router: Router<EmulatorRequestContext>) {
        let base = router.group(RouterPath(String(SlackEmulator.basePath.dropFirst())))
        base.get("ServiceProviderConfig") { _, _ in
            SlackMiddleware.json(
                200,
                [
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
                    "patch": ["supported": true],
                    "bulk": ["supported": false, "maxOperations": 0, "maxPayloadSize": 0],
                    "filter": ["supported": true, "maxResults": .integer(Int64(Self.maximumPageSize))],
                    "changePassword": ["supported": false], "sort": ["supported": false], "etag": ["supported": false],
                    "authenticationSchemes": [
                        ["type": "oauthbearertoken", "name": "OAuth Bearer Token", "primary": true]
                    ],
                ]
            )
        }
        base.get("Users") { request, _ in try listUsers(request) }
        base.post("Users") { request, _ in try await createUser(request) }
        base.get("Users/:id") { _, context in
            let id = try context.parameters.require("id")
            return SlackMiddleware.json(
                200,
                .object(
                    try emulator.withDirectory { (d, url) throws(SlackError) in
                        d.render(try d.user(id), baseURL: url)
                    }
                )
            )
        }
        base.put("Users/:id") { request, context in
            let id = try context.parameters.require("id")
            let body = try await Self.object(request)
            return try writeUser(200) { (d, now) throws(SlackError) in try d.replaceUser(id, body, now: now) }
        }
        base.patch("Users/:id") { request, context in
            let id = try context.parameters.require("id")
            let body = try await Self.object(request)
            return try writeUser(200) { (d, now) throws(SlackError) in try d.patchUser(id, body, now: now) }
        }
        base.delete("Users/:id") { _, context in
            let id = try context.parameters.require("id")
            let now = SlackEmulator.now()
            try emulator.withDirectory { (d, _) throws(SlackError) in try d.deactivateUser(id, now: now) }
            return Response(status: .noContent)
        }
        base.get("Groups") { request, _ in try listGroups(request) }
        base.post("Groups") { request, _ in
            let body = try await Self.object(request)
            return try writeGroup(201) { (d, now) throws(SlackError) in try d.createGroup(body, now: now) }
        }
        base.get("Groups/:id") { _, context in
            let id = try context.parameters.require("id")
            return SlackMiddleware.json(
                200,
                .object(
                    try emulator.withDirectory { (d, url) throws(SlackError) in
                        d.render(try d.group(id), baseURL: url)
                    }
                )
            )
        }
        base.put("Groups/:id") { request, context in
            let id = try context.parameters.require("id")
            let body = try await Self.object(request)
            return try writeGroup(200) { (d, now) throws(SlackError) in try d.replaceGroup(id, body, now: now) }
        }
        base.patch("Groups/:id") { request, context in
            let id = try context.parameters.require("id")
            let changes = try SlackGroupPatch.changes(try await Self.object(request))
            return try writeGroup(200) { (d, now) throws(SlackError) in try d.patchGroup(id, changes, now: now) }
        }
        base.delete("Groups/:id") { _, context in
            let id = try context.parameters.require("id")
            try emulator.withDirectory { (d, _) throws(SlackError) in try d.deleteGroup(id) }
            return Response(status: .noContent)
        }
    }

    // MARK: - Handlers

    func createUser(_ request: Request) async throws -> Response {
        let body = try await Self.object(request)
        return try writeUser(201) { (d, now) throws(SlackError) in try d.createUser(body, now: now) }
    }

    /// GET /Users: `filter` on `userName`/`email`, oldest first.
    func listUsers(_ request: Request) throws -> Response {
        let q = QueryParameters(request.uri.query)
        let filter = try q["filter"].map { (text) throws(SlackError) in try SlackFilter.Users(text) }
        let (start, count) = try Self.page(q)
        let (page, total) = try emulator.withDirectory { (d, url) throws(SlackError) -> ([JSONObject], Int) in
            let ids: [String]
            if let filter, let (attribute, value) = filter.equality {
                let hit = attribute == "username" ? d.userID(userName: value) : d.userID(email: value)
                ids = hit.map { [$0] } ?? []
            } else if let filter {
                ids = d.userOrder.filter { d.users[$0].map { filter.matches($0.attributes) } ?? false }
            } else {
                ids = d.userOrder
            }
            let slice = Self.slice(ids, start, count)
            return (slice.compactMap { d.users[$0].map { d.render($0, baseURL: url) } }, ids.count)
        }
        return SlackMiddleware.json(200, SlackDirectory.listResponse(page, total: total, startIndex: start))
    }

    /// GET /Groups: `filter=displayName eq "…"` only, oldest first.
    func listGroups(_ request: Request) throws -> Response {
        let q = QueryParameters(request.uri.query)
        let name = try q["filter"].map { (text) throws(SlackError) in try SlackFilter.groupDisplayName(text) }
        let (start, count) = try Self.page(q)
        let (page, total) = try emulator.withDirectory { (d, url) throws(SlackError) -> ([JSONObject], Int) in
            let ids = name.map { n in d.groupID(displayName: n).map { [$0] } ?? [] } ?? d.groupOrder
            let slice = Self.slice(ids, start, count)
            return (slice.compactMap { d.groups[$0].map { d.render($0, baseURL: url) } }, ids.count)
        }
        return SlackMiddleware.json(200, SlackDirectory.listResponse(page, total: total, startIndex: start))
    }

    private func writeUser(
        _ status: Int,
        _ change: (inout SlackDirectory, SCIMDateTime) throws(SlackError) -> SlackDirectory.User
    ) throws -> Response {
        let now = SlackEmulator.now()
        let rendered = try emulator.withDirectory { (d, url) throws(SlackError) in
            d.render(try change(&d, now), baseURL: url)
        }
        return SlackMiddleware.json(
            status,
            .object(rendered),
            headers: status == 201 ? [.location: rendered["meta"]?["location"]?.stringValue ?? ""] : [:]
        )
    }

    private func writeGroup(
        _ status: Int,
        _ change: (inout SlackDirectory, SCIMDateTime) throws(SlackError) -> SlackDirectory.Group
    ) throws -> Response {
        let now = SlackEmulator.now()
        let rendered = try emulator.withDirectory { (d, url) throws(SlackError) in
            d.render(try change(&d, now), baseURL: url)
        }
        return SlackMiddleware.json(
            status,
            .object(rendered),
            headers: status == 201 ? [.location: rendered["meta"]?["location"]?.stringValue ?? ""] : [:]
        )
    }

    // MARK: - Helpers

    /// `startIndex` (1-based, below 1 read as 1) and `count` (default 10, clamped to 1000).
    static func page(_ q: QueryParameters) throws(SlackError) -> (start: Int, count: Int) {
        do {
            let page = try IndexPage.parse(
                startIndex: q["startIndex"],
                count: q["count"],
                defaultPageSize: defaultPageSize,
                maxPageSize: maximumPageSize
            )
            return (page.startIndex, page.count)
        } catch {
            throw SlackError.invalidSyntax
        }
    }

    static func slice(_ ids: [String], _ start: Int, _ count: Int) -> ArraySlice<String> {
        IndexPage(startIndex: start, count: count).slice(ids)
    }

    /// The request body as a JSON object, whatever its Content-Type (Slack takes `application/json`).
    static func object(_ request: Request) async throws -> JSONObject {
        let buffer = try await request.body.collect(upTo: SlackMiddleware.bodyLimit)
        guard buffer.readableBytes > 0 else { throw SlackError.missingSchemaElement }
        guard let value = try? JSONParser.parse(buffer.readableBytesView), let object = value.objectValue else {
            throw SlackError.invalidSyntax
        }
        return object
    }
}
