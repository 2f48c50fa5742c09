import BridgeConfig
import HTTPTypes
import Hummingbird
import Membership
import SCIM
import Store

/// The HTTP face of `/Users` and `/Groups` (RFC 7644 §3.2–§3.6) and of `.search` (§3.4.3).
struct ResourceRoutes: Sendable {
    let service: ResourceService
    let paging: PaginationConfiguration

    func register(on group: RouterGroup<SCIMRequestContext>) {
        for kind in ResourceKind.allCases {
            let endpoint = kind == .user ? "Users" : "Groups"
            group.get(RouterPath(endpoint)) { request, context in try await self.list(kind, request, context) }
            group.post(RouterPath(endpoint)) { request, context in try await self.create(kind, request, context) }
            group.post(RouterPath("\(endpoint)/.search")) { request, context in
                try await self.search([kind], request, context)
            }
            group.get(RouterPath("\(endpoint)/:id")) { request, context in try await self.get(kind, request, context) }
            group.put(RouterPath("\(endpoint)/:id")) { request, context in
                try await self.replace(kind, request, context)
            }
            group.patch(RouterPath("\(endpoint)/:id")) { request, context in
                try await self.patch(kind, request, context)
            }
            group.delete(RouterPath("\(endpoint)/:id")) { request, context in
                try await self.delete(kind, request, context)
            }
            group.refuseOtherMethods(RouterPath(endpoint), allowing: [.get, .post])
            group.refuseOtherMethods(RouterPath("\(endpoint)/:id"), allowing: [.get, .put, .patch, .delete])
            group.refuseOtherMethods(RouterPath("\(endpoint)/.search"), allowing: [.post])
        }
        group.post(".search") { request, context in try await self.search(ResourceKind.allCases, request, context) }
        group.refuseOtherMethods(".search", allowing: [.post])
    }

    // MARK: - Handlers

    func list(_ kind: ResourceKind, _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let q = QueryParameters(request.uri.query)
        let schema = service.schema(kind)
        let projection = try service.projection(
            kind,
            attributes: q["attributes"],
            excludedAttributes: q["excludedAttributes"]
        )
        let sort = try SortSpecification.parse(sortBy: q["sortBy"], sortOrder: q["sortOrder"], schema: schema)
        let pagination = try PaginationRequest.parse(
            startIndex: q["startIndex"],
            cursor: q["cursor"],
            count: q["count"],
            configuration: paging,
            fallbackPageSize: service.limits.defaultPageSize
        )
        return try await listResponse(
            [kind],
            request,
            context,
            filter: q["filter"],
            sort: { _ in sort },
            pagination: pagination,
            projection: { _ in projection }
        )
    }

    func search(_ kinds: [ResourceKind], _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let body = try await request.scimJSONObject(limit: service.limits.maxBodyBytes)
        let search = try SearchRequest(json: .object(body))
        let pagination = try search.pagination(paging, fallbackPageSize: service.limits.defaultPageSize)
        var projections: [ResourceKind: AttributeProjection] = [:]
        var sorts: [ResourceKind: SortSpecification?] = [:]
        for kind in kinds {
            let schema = service.schema(kind)
            if kinds.count > 1 {
                // Root search: an attribute that one resource type lacks just selects nothing of that type.
                projections[kind] = (try? search.projection(for: schema)) ?? AttributeProjection(schema: schema)
                sorts[kind] = (try? search.sort(for: schema)) ?? nil
            } else {
                projections[kind] = try search.projection(for: schema)
                sorts[kind] = try search.sort(for: schema)
            }
        }
        return try await listResponse(
            kinds,
            request,
            context,
            filter: search.filter,
            sort: { sorts[$0] ?? nil },
            pagination: pagination,
            projection: { projections[$0]! }
        )
    }

    /// Runs the query over one or more resource types (root `.search` concatenates Users then Groups).
    func listResponse(
        _ kinds: [ResourceKind],
        _ request: Request,
        _ context: SCIMRequestContext,
        filter: String?,
        sort: (ResourceKind) -> SortSpecification?,
        pagination: PaginationRequest,
        projection: (ResourceKind) -> AttributeProjection
    ) async throws -> Response {
        let channel = try context.requireChannel()
        let renderer = renderer(request, channel)
        let page: IndexPage
        var usedCursor = false
        switch pagination {
        case .index(let p): page = p
        case .cursor(let c):
            page = try CursorCodec.page(for: c)
            usedCursor = true
        }
        var total = 0
        var resources: [JSONObject] = []
        var start = page.startIndex
        var remaining = page.count
        for kind in kinds {
            let resolvedFilter: String?
            if kinds.count > 1, let filter {
                // A filter naming attributes this type lacks matches none of its resources.
                guard (try? FilterResolver.resolve(filter, against: service.schema(kind))) != nil else { continue }
                resolvedFilter = filter
            } else {
                resolvedFilter = filter
            }
            let result = try await service.list(
                kind,
                channel: channel,
                renderer: renderer,
                filter: resolvedFilter,
                sort: sort(kind),
                page: IndexPage(startIndex: start, count: remaining),
                projection: projection(kind)
            )
            total += result.total
            resources += result.resources
            remaining -= result.resources.count
            start = max(1, start - result.total)
        }
        var list = ListResponse(page: page, totalResults: total, resources: resources)
        if usedCursor {
            list.startIndex = nil
            let next = page.startIndex + resources.count
            if next <= total { list.nextCursor = CursorCodec.cursor(startIndex: next) }
            if page.startIndex > 1 {
                list.previousCursor = CursorCodec.cursor(startIndex: max(1, page.startIndex - page.count))
            }
        }
        return .scim(.ok, list.encodedBytes())
    }

    func get(_ kind: ResourceKind, _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let channel = try context.requireChannel()
        let q = QueryParameters(request.uri.query)
        let projection = try service.projection(
            kind,
            attributes: q["attributes"],
            excludedAttributes: q["excludedAttributes"]
        )
        let answer = try await service.get(
            kind,
            id: try context.parameters.require("id"),
            channel: channel,
            renderer: renderer(request, channel),
            projection: projection
        )
        if let ifNoneMatch = request.headers[.ifNoneMatch], ETag.header(ifNoneMatch, matches: answer.etag) {
            return Response(status: .notModified, headers: [.eTag: answer.etag])
        }
        return .scim(.ok, answer)
    }

    func create(_ kind: ResourceKind, _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let channel = try context.requireChannel()
        let body = try await request.scimJSONObject(limit: service.limits.maxBodyBytes)
        let answer = try await service.create(
            kind,
            body: body,
            channel: channel,
            renderer: renderer(request, channel),
            projection: try projection(kind, request)
        )
        return .scim(.created, answer)
    }

    func replace(_ kind: ResourceKind, _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        try await modify(kind, request, context, using: service.replace)
    }

    func patch(_ kind: ResourceKind, _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        try await modify(kind, request, context, using: service.patch)
    }

    /// PUT and PATCH share everything but the service operation.
    func modify(
        _ kind: ResourceKind,
        _ request: Request,
        _ context: SCIMRequestContext,
        using operation: (
            ResourceKind, String, JSONObject, String?, Channel, ResourceRenderer, AttributeProjection
        ) async throws -> ResourceService.Answer
    ) async throws -> Response {
        let channel = try context.requireChannel()
        let body = try await request.scimJSONObject(limit: service.limits.maxBodyBytes)
        let answer = try await operation(
            kind,
            try context.parameters.require("id"),
            body,
            request.headers[.ifMatch],
            channel,
            renderer(request, channel),
            try projection(kind, request)
        )
        return .scim(.ok, answer)
    }

    func delete(_ kind: ResourceKind, _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let channel = try context.requireChannel()
        try await service.delete(
            kind,
            id: try context.parameters.require("id"),
            ifMatch: request.headers[.ifMatch],
            channel: channel
        )
        return Response(status: .noContent)
    }

    // MARK: - Helpers

    func projection(_ kind: ResourceKind, _ request: Request) throws -> AttributeProjection {
        let q = QueryParameters(request.uri.query)
        return try service.projection(kind, attributes: q["attributes"], excludedAttributes: q["excludedAttributes"])
    }

    func renderer(_ request: Request, _ channel: Channel) -> ResourceRenderer {
        service.renderer(request, channel)
    }
}

extension SCIMRequestContext {
    /// The authenticated channel; the authentication middleware guarantees it on these routes.
    func requireChannel() throws -> Channel {
        guard let channel else { throw SCIMError.unauthorized() }
        return channel
    }
}

extension Response {
    /// A resource answer with its `ETag` and `Location`.
    static func scim(_ status: HTTPResponse.Status, _ answer: ResourceService.Answer) -> Response {
        .scim(status, .object(answer.resource), headers: [.eTag: answer.etag, .location: answer.location])
    }
}
