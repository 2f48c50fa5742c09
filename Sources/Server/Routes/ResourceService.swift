import BridgeConfig
import Hummingbird
import Membership
import SCIM
import Store

/// The SCIM operations on Users and Groups (RFC 7644 §3.3–§3.6), independent of HTTP so that the
/// routes and `/Bulk` share them. Protocol rules come from the pure `SCIM` module; this type only
/// sequences them around the store.
struct ResourceService: Sendable {
    let store: any Store
    let registry: SchemaRegistry
    let limits: LimitSettings
    /// Absolute public URL of the bridge, when configured (else the request's Host is used).
    let publicURL: String?
    private let schemas: [ResourceKind: ResourceSchema]
    /// The projection of a request without `attributes`/`excludedAttributes`, built once: building
    /// its decision tables per request was a visible share of a GET's time.
    private let defaultProjections: [ResourceKind: AttributeProjection]

    init(store: any Store, registry: SchemaRegistry, limits: LimitSettings, publicURL: String?) {
        self.store = store
        self.registry = registry
        self.limits = limits
        self.publicURL = publicURL
        // Both resource types are registered by construction (see `SchemaRegistry.standard`).
        let schemas = Dictionary(
            uniqueKeysWithValues: ResourceKind.allCases.map { ($0, registry.resourceSchema(for: $0.rawValue)!) }
        )
        self.schemas = schemas
        self.defaultProjections = schemas.mapValues { AttributeProjection(schema: $0) }
    }

    /// A resource as answered: its representation and its ETag.
    struct Answer: Sendable {
        var resource: JSONObject
        var etag: String
        var location: String
    }

    func renderer(_ request: Request, _ channel: Channel) -> ResourceRenderer {
        ResourceRenderer(baseURL: BaseURL.of(request, channel: channel.name, publicURL: publicURL))
    }

    func schema(_ kind: ResourceKind) -> ResourceSchema { schemas[kind]! }

    /// The projection the `attributes` / `excludedAttributes` query parameters ask for.
    func projection(_ kind: ResourceKind, attributes: String?, excludedAttributes: String?) throws
        -> AttributeProjection
    {
        if (attributes ?? "").isEmpty && (excludedAttributes ?? "").isEmpty { return defaultProjections[kind]! }
        return try AttributeProjection(
            attributes: attributes,
            excludedAttributes: excludedAttributes,
            schema: schema(kind)
        )
    }

    // MARK: - Read

    func get(
        _ kind: ResourceKind,
        id: String,
        channel: Channel,
        renderer: ResourceRenderer,
        projection: AttributeProjection
    )
        async throws -> Answer
    {
        // Edges are read only when they are to be returned (`excludedAttributes=members` skips them).
        guard let found = try await store.get(kind, id: id, in: channel, withEdges: Self.needsEdges(kind, projection))
        else {
            throw SCIMError.notFound("\(kind.rawValue) '\(id)' not found.")
        }
        return answer(found.resource, edges: found.edges, renderer: renderer, projection: projection)
    }

    /// Whether the projection returns a group's `members` or a user's `groups`.
    static func needsEdges(_ kind: ResourceKind, _ projection: AttributeProjection) -> Bool {
        projection.needsAttribute(kind == .group ? "members" : "groups")
    }

    /// The answer for a resource just written (its edges are read now, when they are to be returned).
    func answer(_ r: StoredResource, channel: Channel, renderer: ResourceRenderer, projection: AttributeProjection)
        async throws -> Answer
    {
        let edges: [MemberReference]?
        switch r.kind {
        case .group:
            edges = Self.needsEdges(.group, projection) ? try await store.members(ofGroup: r.id, in: channel) : nil
        case .user:
            edges = Self.needsEdges(.user, projection) ? try await store.groups(ofMember: r.id, in: channel) : nil
        }
        return answer(r, edges: edges, renderer: renderer, projection: projection)
    }

    func answer(
        _ r: StoredResource,
        edges: [MemberReference]?,
        renderer: ResourceRenderer,
        projection: AttributeProjection
    )
        -> Answer
    {
        let full = renderer.render(r, edges: edges)
        return Answer(resource: projection.apply(to: full), etag: r.etag, location: renderer.location(r.kind, id: r.id))
    }

    /// A list query (GET with parameters or POST `.search`): filter, sort, page, project.
    func list(
        _ kind: ResourceKind,
        channel: Channel,
        renderer: ResourceRenderer,
        filter: String?,
        sort: SortSpecification?,
        page: IndexPage,
        projection: AttributeProjection
    ) async throws -> (total: Int, resources: [JSONObject]) {
        let resolved = try filter.map { text throws(SCIMError) in
            try FilterResolver.resolve(text, against: schema(kind))
        }
        let withEdges = Self.needsEdges(kind, projection)
        let result = try await store.query(
            kind,
            in: channel,
            ResourceQuery(
                filter: resolved,
                sort: sort,
                startIndex: page.startIndex,
                count: page.count,
                withEdges: withEdges
            )
        )
        var resources: [JSONObject] = []
        resources.reserveCapacity(result.resources.count)
        for r in result.resources {
            if let edges = result.edges?[r.id] {
                resources.append(answer(r, edges: edges, renderer: renderer, projection: projection).resource)
            } else {
                resources.append(
                    try await answer(r, channel: channel, renderer: renderer, projection: projection).resource
                )
            }
        }
        return (result.totalResults, resources)
    }

    // MARK: - Write

    /// POST: validate, store, answer 201 (RFC 7644 §3.3).
    func create(
        _ kind: ResourceKind,
        body: JSONObject,
        channel: Channel,
        renderer: ResourceRenderer,
        projection: AttributeProjection
    )
        async throws -> Answer
    {
        let schema = schema(kind)
        var resource = try ResourceValidator.validateForCreate(
            ResourceDialects.normalize(body, schema: schema),
            schema: schema
        )
        let members = kind == .group ? Self.memberIDs(resource.removeValue(forKey: "members")) : []
        if kind == .user { resource.removeValue(forKey: "groups") }
        let stored = try await store.create(kind, in: channel, resource: resource, members: members)
        if kind == .user {
            // A user just created belongs to no group yet: there is nothing to read.
            return answer(
                stored,
                edges: Self.needsEdges(.user, projection) ? [] : nil,
                renderer: renderer,
                projection: projection
            )
        }
        return try await answer(stored, channel: channel, renderer: renderer, projection: projection)
    }

    /// PUT: replace the resource (RFC 7644 §3.5.1). A Group PUT without `members` keeps the members
    /// (the attribute is "not asserted", which §3.5.1 allows); `members: []` clears them.
    func replace(
        _ kind: ResourceKind,
        id: String,
        body: JSONObject,
        ifMatch: String?,
        channel: Channel,
        renderer: ResourceRenderer,
        projection: AttributeProjection
    ) async throws -> Answer {
        let schema = schema(kind)
        var membership = MembershipChange.none
        if kind == .group, let members = body["members"] {
            membership = .replaceAll(Self.memberIDs(members))
        }
        let stored = try await store.modify(kind, id: id, in: channel, ifMatch: ifMatch, membership: membership) {
            current in
            var next = try ResourceValidator.validateForReplace(
                ResourceDialects.normalize(body, schema: schema),
                existing: current.attributes,
                schema: schema
            )
            next.removeValue(forKey: kind == .group ? "members" : "groups")
            return next
        }
        return try await answer(stored, channel: channel, renderer: renderer, projection: projection)
    }

    /// PATCH (RFC 7644 §3.5.2), after the IdP dialects are normalised. For groups, membership operations
    /// become edge inserts and deletes so that the cost follows the delta, not the group size.
    func patch(
        _ kind: ResourceKind,
        id: String,
        body: JSONObject,
        ifMatch: String?,
        channel: Channel,
        renderer: ResourceRenderer,
        projection: AttributeProjection
    ) async throws -> Answer {
        let schema = schema(kind)
        let normalized = PatchDialects.normalize(.object(body), schema: schema)
        let request = try PatchRequest(json: normalized)
        var membership = MembershipChange.none
        var operations = request
        if kind == .group {
            if let delta = try PatchEngine.membershipDelta(request, schema: schema) {
                operations = delta.otherOperations
                if let all = delta.replaceAllWith {
                    membership = .replaceAll(all.map { $0.lowercased() })
                } else if !delta.isEmpty {
                    membership = .delta(
                        add: delta.added.map { $0.lowercased() },
                        remove: delta.removed.map { $0.lowercased() }
                    )
                }
            } else {
                // A filter the delta cannot express (on members.display or .type): the request is applied
                // to the member list the write reads, in its transaction. Computed from an earlier read,
                // the list would drop members added in between.
                membership = .computed { current in
                    let members = JSONValue.array(
                        current.map { m in
                            var o: JSONObject = ["value": .string(m.id), "type": .string(m.kind.rawValue)]
                            if let d = m.display { o["display"] = .string(d) }
                            return .object(o)
                        }
                    )
                    let applied = try PatchEngine.apply(
                        request,
                        to: ["schemas": [.string(SchemaRegistry.groupSchema)], "displayName": "x", "members": members],
                        schema: schema
                    )
                    return Self.memberIDs(applied["members"])
                }
                operations = PatchRequest(
                    operations: request.operations.filter { op in
                        guard let path = op.path else { return true }
                        return !path.lowercased().hasPrefix("members")
                    }
                )
            }
        }
        let ops = operations
        let stored = try await store.modify(kind, id: id, in: channel, ifMatch: ifMatch, membership: membership) {
            current in
            guard !ops.operations.isEmpty else { return current.attributes }
            // The engine sees `id` so that clients echoing it unchanged (Okta, Entra) are not refused.
            var withID = current.attributes
            withID["id"] = .string(current.id)
            var patched = try PatchEngine.apply(ops, to: withID, schema: schema)
            patched.removeValue(forKey: "id")
            var next = try ResourceValidator.validateForReplace(patched, existing: current.attributes, schema: schema)
            next.removeValue(forKey: kind == .group ? "members" : "groups")
            return next
        }
        return try await answer(stored, channel: channel, renderer: renderer, projection: projection)
    }

    /// DELETE (RFC 7644 §3.6).
    func delete(_ kind: ResourceKind, id: String, ifMatch: String?, channel: Channel) async throws {
        try await store.delete(kind, id: id, in: channel, ifMatch: ifMatch)
    }

    /// Member ids from a `members` value: `[{"value": "id"}, ...]`.
    static func memberIDs(_ value: JSONValue?) -> [String] {
        guard let value else { return [] }
        let elements: [JSONValue]
        if case .array(let a) = value { elements = a } else { elements = [value] }
        var seen = Set<String>()
        var ids: [String] = []
        for e in elements {
            guard let id = e["value"]?.stringValue?.lowercased(), seen.insert(id).inserted else { continue }
            ids.append(id)
        }
        return ids
    }
}
