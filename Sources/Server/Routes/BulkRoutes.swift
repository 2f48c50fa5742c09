import BridgeConfig
import Hummingbird
import Membership
import SCIM
import Store

/// `POST /Bulk` (RFC 7644 §3.7): operations run one after another in dependency order, each through
/// the same `ResourceService` as a single request, with `bulkId` references substituted as they resolve
/// and reference cycles broken in two passes (see `BulkIdResolver`).
struct BulkRoutes: Sendable {
    let service: ResourceService

    func register(on group: RouterGroup<SCIMRequestContext>) {
        group.post("Bulk") { request, context in try await self.bulk(request, context) }
        group.refuseOtherMethods("Bulk", allowing: [.post])
    }

    func bulk(_ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let channel = try context.requireChannel()
        let limits = BulkLimits(
            maxOperations: service.limits.bulkMaxOperations,
            maxPayloadSize: service.limits.bulkMaxPayloadBytes
        )
        guard SCIMMediaType.isAcceptable(request.headers[.contentType]) else {
            throw SCIMError(status: 415, detail: "Send the Bulk request as application/scim+json or application/json.")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limits.maxPayloadSize)
        } catch {
            throw SCIMError.payloadTooLarge(
                "The Bulk request is larger than maxPayloadSize (\(limits.maxPayloadSize) bytes, see /ServiceProviderConfig)."
            )
        }
        let bulk = try BulkRequest.parse(body.readableBytesView, limits: limits)
        let renderer = service.renderer(request, channel)
        var resolver = BulkIdResolver(operations: bulk.operations)
        var results: [BulkOperationResult] = []
        var errors = 0
        // Operations whose first pass on a reference cycle failed: their completion is not attempted.
        var failedFirstPass: Set<Int> = []
        for step in resolver.steps {
            if bulk.shouldStop(afterErrors: errors) { break }
            let index = step.index
            let original = bulk.operations[index]
            if case .completeCycle = step, failedFirstPass.contains(index) { continue }
            do {
                switch step {
                case .run:
                    let op = try resolver.resolved(index)
                    let result = try await run(op, channel: channel, renderer: renderer)
                    if op.method == .post, let bulkId = op.bulkId, let id = result.location?.split(separator: "/").last
                    {
                        resolver.record(bulkId: bulkId, id: String(id))
                    }
                    results.append(result)
                case .createBreakingCycle:
                    let op = try resolver.withoutUnresolved(index)
                    let result = try await run(op, channel: channel, renderer: renderer)
                    if let bulkId = op.bulkId, let id = result.location?.split(separator: "/").last {
                        resolver.record(bulkId: bulkId, id: String(id))
                    }
                case .completeCycle:
                    try await complete(index, resolver: resolver, channel: channel, renderer: renderer, into: &results)
                }
            } catch let error as SCIMError {
                errors += 1
                if original.method == .post, let bulkId = original.bulkId { resolver.recordFailure(bulkId: bulkId) }
                if case .createBreakingCycle = step { failedFirstPass.insert(index) }
                let location = original.resourceId.map { _ in renderer.baseURL + original.path }
                results.append(.failure(of: original, error: error, location: location))
            }
        }
        return .scim(.ok, BulkResponse(operations: results).encodedBytes())
    }

    /// Second pass of a POST on a reference cycle: replaces the bare resource with its full data. If
    /// that fails, the bare resource is deleted again, so a failed operation leaves nothing behind.
    func complete(
        _ index: Int,
        resolver: BulkIdResolver,
        channel: Channel,
        renderer: ResourceRenderer,
        into results: inout [BulkOperationResult]
    ) async throws {
        let original = resolver.operations[index]
        guard let kind = Self.kind(original.endpoint), let bulkId = original.bulkId,
            let id = resolver.createdIds[bulkId]
        else { return }
        do {
            let op = try resolver.completion(index)
            let replaced = try await run(op, channel: channel, renderer: renderer)
            results.append(
                BulkOperationResult(
                    location: replaced.location,
                    method: .post,
                    bulkId: bulkId,
                    version: replaced.version,
                    status: 201
                )
            )
        } catch {
            try? await service.delete(kind, id: id, ifMatch: nil, channel: channel)
            throw error
        }
    }

    func run(_ op: BulkOperation, channel: Channel, renderer: ResourceRenderer) async throws -> BulkOperationResult {
        guard let kind = Self.kind(op.endpoint) else {
            throw SCIMError.invalidPath("Bulk path '\(op.path)' names no resource type; use /Users or /Groups.")
        }
        let projection = try service.projection(kind, attributes: nil, excludedAttributes: nil)
        switch op.method {
        case .post:
            let a = try await service.create(
                kind,
                body: op.data ?? JSONObject(),
                channel: channel,
                renderer: renderer,
                projection: projection
            )
            return BulkOperationResult(
                location: a.location,
                method: .post,
                bulkId: op.bulkId,
                version: a.etag,
                status: 201
            )
        case .put:
            let a = try await service.replace(
                kind,
                id: try id(op),
                body: op.data ?? JSONObject(),
                ifMatch: op.version,
                channel: channel,
                renderer: renderer,
                projection: projection
            )
            return BulkOperationResult(
                location: a.location,
                method: .put,
                bulkId: op.bulkId,
                version: a.etag,
                status: 200
            )
        case .patch:
            let a = try await service.patch(
                kind,
                id: try id(op),
                body: op.data ?? JSONObject(),
                ifMatch: op.version,
                channel: channel,
                renderer: renderer,
                projection: projection
            )
            return BulkOperationResult(
                location: a.location,
                method: .patch,
                bulkId: op.bulkId,
                version: a.etag,
                status: 200
            )
        case .delete:
            let id = try id(op)
            try await service.delete(kind, id: id, ifMatch: op.version, channel: channel)
            return BulkOperationResult(
                location: renderer.location(kind, id: id),
                method: .delete,
                bulkId: op.bulkId,
                status: 204
            )
        }
    }

    func id(_ op: BulkOperation) throws -> String {
        guard let id = op.resourceId, !id.isEmpty else {
            throw SCIMError.invalidPath("Bulk \(op.method.rawValue) needs a path with a resource id, like /Users/{id}.")
        }
        return id
    }

    static func kind(_ endpoint: String) -> ResourceKind? {
        switch endpoint.lowercased() {
        case "/users": return .user
        case "/groups": return .group
        default: return nil
        }
    }
}
