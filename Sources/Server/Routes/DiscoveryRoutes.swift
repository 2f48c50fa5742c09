import Hummingbird
import Membership
import SCIM
import Store

/// `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` (RFC 7644 §4), and the `/Me` alias (§3.11).
struct DiscoveryRoutes: Sendable {
    let registry: SchemaRegistry
    let config: ServiceProviderConfig
    let paging: PaginationConfiguration
    let publicURL: String?

    func register(on group: RouterGroup<SCIMRequestContext>) {
        for path in ["ServiceProviderConfig", "ResourceTypes", "ResourceTypes/:id", "Schemas", "Schemas/:id"] {
            group.refuseOtherMethods(RouterPath(path), allowing: [.get])
        }
        group.get("ServiceProviderConfig") { request, context in
            try Self.refuseQuery(request)
            var json = config.json(baseLocation: base(request, context)).objectValue ?? JSONObject()
            json["pagination"] = paging.json  // RFC 9865 §3
            return Response.scim(.ok, .object(json))
        }
        group.get("ResourceTypes") { request, context in
            try Self.refuseQuery(request)
            let base = base(request, context)
            return Response.scim(.ok, Self.list(registry.resourceTypes.map { $0.json(baseLocation: base) }))
        }
        group.get("ResourceTypes/:id") { request, context in
            let id = try context.parameters.require("id")
            guard let rt = registry.resourceType(named: id) else {
                throw SCIMError.notFound("There is no resource type '\(id)'; see /ResourceTypes.")
            }
            return Response.scim(.ok, rt.json(baseLocation: base(request, context)))
        }
        group.get("Schemas") { request, context in
            try Self.refuseQuery(request)
            let base = base(request, context)
            return Response.scim(.ok, Self.list(registry.schemas.map { $0.json(baseLocation: base) }))
        }
        group.get("Schemas/:id") { request, context in
            let id = try context.parameters.require("id")
            guard let schema = registry.schema(id: id) else {
                throw SCIMError.notFound("There is no schema '\(id)'; see /Schemas.")
            }
            return Response.scim(.ok, schema.json(baseLocation: base(request, context)))
        }
    }

    /// `/Me` needs an authenticated subject that is a SCIM resource; the bridge's clients are IdPs, not users.
    static func registerMe(on group: RouterGroup<SCIMRequestContext>) {
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            group.on("Me", method: method) { _, _ -> Response in
                throw SCIMError.notImplemented(
                    "The /Me alias is not supported: clients of the bridge are identity providers, not users."
                )
            }
        }
    }

    /// RFC 7644 §4: a filter on these endpoints is refused with 403 so that clients do not assume it worked.
    static func refuseQuery(_ request: Request) throws {
        if QueryParameters(request.uri.query)["filter"] != nil {
            throw SCIMError.forbidden("Filtering is not supported on discovery endpoints (RFC 7644 §4).")
        }
    }

    static func list(_ resources: [JSONValue]) -> JSONValue {
        let objects = resources.compactMap(\.objectValue)
        return .object([
            "schemas": [.string(MessageSchema.listResponse)],
            "totalResults": .integer(Int64(objects.count)),
            "itemsPerPage": .integer(Int64(objects.count)),
            "startIndex": 1,
            "Resources": .array(objects.map(JSONValue.object)),
        ])
    }

    func base(_ request: Request, _ context: SCIMRequestContext) -> String {
        BaseURL.of(request, channel: context.channel?.name ?? "", publicURL: publicURL)
    }
}
