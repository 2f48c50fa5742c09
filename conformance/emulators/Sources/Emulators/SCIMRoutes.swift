internal import Hummingbird
internal import SCIM

/// The SCIM endpoints under `SCIMEmulator.basePath`: `/Users` and `/Groups` (RFC 7644 §3.2–§3.6)
/// and the discovery endpoints (§4). Bulk, sorting, `.search` and `/Me` are not offered, and
/// `/ServiceProviderConfig` says so.
struct SCIMRoutes: Sendable {
    let emulator: SCIMEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let base = router.group(RouterPath(String(SCIMEmulator.basePath.dropFirst())))
        base.get("ServiceProviderConfig") { _, _ in
            SCIMMessages.response(200, serviceProviderConfig.json(baseLocation: emulator.baseURL))
        }
        let registry = emulator.configuration.registry
        base.get("ResourceTypes") { _, _ in
            Self.list(registry.resourceTypes.map { $0.json(baseLocation: emulator.baseURL) })
        }
        base.get("ResourceTypes/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let type = registry.resourceType(named: id) else {
                throw SCIMError.notFound("There is no resource type '\(id)'.")
            }
            return SCIMMessages.response(200, type.json(baseLocation: emulator.baseURL))
        }
        base.get("Schemas") { _, _ in
            Self.list(registry.schemas.map { $0.json(baseLocation: emulator.baseURL) })
        }
        base.get("Schemas/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let schema = registry.schema(id: id) else { throw SCIMError.notFound("There is no schema '\(id)'.") }
            return SCIMMessages.response(200, schema.json(baseLocation: emulator.baseURL))
        }
        for kind in ResourceKind.allCases {
            let endpoint = RouterPath(kind.endpoint)
            let item = RouterPath("\(kind.endpoint)/:id")
            base.get(endpoint) { request, _ in try list(kind, request) }
            base.post(endpoint) { request, _ in try await create(kind, request) }
            base.get(item) { request, context in try get(kind, request, context) }
            base.put(item) { request, context in try await replace(kind, request, context) }
            base.patch(item) { request, context in try await patch(kind, request, context) }
            base.delete(item) { request, context in try delete(kind, request, context) }
        }
    }

    var serviceProviderConfig: ServiceProviderConfig {
        ServiceProviderConfig(
            documentationUri: "https://github.com/scim-bridge/scim-bridge/tree/main/conformance/emulators",
            patch: true,
            bulk: .init(supported: false, maxOperations: 0, maxPayloadSize: 0),
            filter: .init(supported: true, maxResults: emulator.configuration.maxResults),
            changePassword: false,
            sort: false,
            etag: true,
            authenticationSchemes: [.oauthBearerToken(primary: true)]
        )
    }

    // MARK: - Handlers

    /// GET on a collection (RFC 7644 §3.4.2): `filter`, `startIndex`, `count`, `attributes`,
    /// `excludedAttributes`; oldest first.
    func list(_ kind: ResourceKind, _ request: Request) throws -> Response {
        let q = QueryParameters(request.uri.query)
        let schema = emulator.configuration.registry.resourceSchema(for: kind.rawValue)!
        let projection = try projection(q, schema)
        let filter = try q["filter"].map { text throws(SCIMError) in try FilterResolver.resolve(text, against: schema) }
        let maxResults = emulator.configuration.maxResults
        let page = try IndexPage.parse(
            startIndex: q["startIndex"],
            count: q["count"],
            defaultPageSize: maxResults,
            maxPageSize: maxResults
        )
        let matches = try emulator.withDirectory { directory, baseURL in
            directory.search(kind, filter: filter, baseURL: baseURL)
        }
        let response = ListResponse(page: page, totalResults: matches.count, resources: Array(page.slice(matches)))
        var headers = HTTPFields()
        headers[.contentType] = SCIMMessages.mediaType
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.encodedBytes(projection: projection)))
        )
    }

    /// POST (RFC 7644 §3.3): 201 with `Location` and `ETag`.
    func create(_ kind: ResourceKind, _ request: Request) async throws -> Response {
        let body = try await SCIMMessages.object(of: request)
        let projection = try projection(
            QueryParameters(request.uri.query),
            emulator.configuration.registry.resourceSchema(for: kind.rawValue)!
        )
        let now = SCIMEmulator.now()
        let (rendered, etag) = try emulator.withDirectory { (directory, baseURL) throws(SCIMError) in
            let r = try directory.create(kind, body: body, id: SCIMEmulator.newID(), now: now)
            return (directory.render(r, baseURL: baseURL), r.etag)
        }
        var headers = HTTPFields()
        headers[.location] = rendered["meta"]?["location"]?.stringValue
        headers[.eTag] = etag
        return SCIMMessages.response(201, .object(projection.apply(to: rendered)), headers: headers)
    }

    func get(_ kind: ResourceKind, _ request: Request, _ context: EmulatorRequestContext) throws -> Response {
        let id = try context.parameters.require("id")
        let projection = try projection(
            QueryParameters(request.uri.query),
            emulator.configuration.registry.resourceSchema(for: kind.rawValue)!
        )
        let (rendered, etag) = try emulator.withDirectory { (directory, baseURL) throws(SCIMError) in
            let r = try directory.resource(kind, id: id)
            return (directory.render(r, baseURL: baseURL), r.etag)
        }
        return SCIMMessages.response(200, .object(projection.apply(to: rendered)), headers: [.eTag: etag])
    }

    /// PUT (RFC 7644 §3.5.1), honouring `If-Match` (§3.14).
    func replace(_ kind: ResourceKind, _ request: Request, _ context: EmulatorRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let body = try await SCIMMessages.object(of: request)
        return try write(kind, request) { (directory, now) throws(SCIMError) in
            try directory.replace(kind, id: id, body: body, ifMatch: request.headers[.ifMatch], now: now)
        }
    }

    /// PATCH (RFC 7644 §3.5.2): 200 with the resource.
    func patch(_ kind: ResourceKind, _ request: Request, _ context: EmulatorRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let patch = try PatchRequest(json: .object(try await SCIMMessages.object(of: request)))
        return try write(kind, request) { (directory, now) throws(SCIMError) in
            try directory.patch(kind, id: id, request: patch, ifMatch: request.headers[.ifMatch], now: now)
        }
    }

    /// DELETE (RFC 7644 §3.6): 204.
    func delete(_ kind: ResourceKind, _ request: Request, _ context: EmulatorRequestContext) throws -> Response {
        let id = try context.parameters.require("id")
        let now = SCIMEmulator.now()
        try emulator.withDirectory { (directory, _) throws(SCIMError) in
            try directory.delete(kind, id: id, ifMatch: request.headers[.ifMatch], now: now)
        }
        return Response(status: .noContent)
    }

    private func write(
        _ kind: ResourceKind,
        _ request: Request,
        _ change: (inout ResourceDirectory, SCIMDateTime) throws(SCIMError) -> StoredResource
    ) throws -> Response {
        let projection = try projection(
            QueryParameters(request.uri.query),
            emulator.configuration.registry.resourceSchema(for: kind.rawValue)!
        )
        let now = SCIMEmulator.now()
        let (rendered, etag) = try emulator.withDirectory { (directory, baseURL) throws(SCIMError) in
            let r = try change(&directory, now)
            return (directory.render(r, baseURL: baseURL), r.etag)
        }
        return SCIMMessages.response(200, .object(projection.apply(to: rendered)), headers: [.eTag: etag])
    }

    private func projection(_ q: QueryParameters, _ schema: ResourceSchema) throws(SCIMError) -> AttributeProjection {
        try AttributeProjection(
            attributes: q["attributes"],
            excludedAttributes: q["excludedAttributes"],
            schema: schema
        )
    }

    /// An unpaged ListResponse of discovery resources (RFC 7644 §4).
    static func list(_ resources: [JSONValue]) -> Response {
        SCIMMessages.response(
            200,
            [
                "schemas": [.string(MessageSchema.listResponse)], "totalResults": .integer(Int64(resources.count)),
                "itemsPerPage": .integer(Int64(resources.count)), "startIndex": 1, "Resources": .array(resources),
            ]
        )
    }
}
