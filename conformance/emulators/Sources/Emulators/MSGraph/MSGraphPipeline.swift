internal import Foundation
internal import SCIM
internal import Synchronization

extension MSGraphEmulator {
    /// What became of a Graph request.
    public enum Outcome: Sendable {
        /// Answer this; with `loseResponse`, close the connection instead (the change was made).
        case respond(MSGraphResponse, loseResponse: Bool)
        /// Close the connection without answering.
        case drop
    }

    enum Admission {
        case proceed(route: MSGraphRoute, cost: Int, delayMilliseconds: Int?, loseResponse: Bool)
        case refuse(MSGraphError, headers: [(String, String)])
        case drop
    }

    /// Runs one Graph request, alone or from a batch, through the whole pipeline: counted, judged
    /// against the open `Retry-After` windows by `arrival`, recorded, checked against the contract;
    /// then the fault plan, the token (401), the route (400/405), the app roles (403) and the
    /// throttle (429), in that order; then the API; the answer is counted and may open a window.
    public func perform(
        _ request: MSGraphRequest,
        bearerToken token: String?,
        arrivedAt arrival: ContinuousClock.Instant = .now,
        batchRequestID: String? = nil
    ) async -> Outcome {
        let requestID = UUID().uuidString.lowercased()
        let (admission, index) = admit(request, token: token, arrival: arrival, batchRequestID: batchRequestID)
        var response: MSGraphResponse
        var lose = false
        var cost = 1
        switch admission {
        case .drop:
            return .drop
        case .refuse(let error, let headers):
            response = errorResponse(error, request, requestID: requestID)
            response.headers += headers
        case .proceed(let route, let routeCost, let delay, let loseResponse):
            cost = routeCost
            lose = loseResponse
            if let delay { try? await Task.sleep(for: .milliseconds(delay)) }
            if route == .batch {
                switch await runBatch(request, token: token, arrival: arrival) {
                case .drop: return .drop
                case .respond(let r, let l):
                    response = r
                    lose = lose || l
                }
            } else {
                response = handle(request, route, requestID: requestID)
            }
        }
        response.headers.append(("request-id", requestID))
        response.headers.append(("client-request-id", request.header("client-request-id") ?? requestID))
        response.headers.append(("x-ms-resource-unit", String(cost)))
        finish(index, response)
        return .respond(response, loseResponse: lose)
    }

    private func admit(
        _ request: MSGraphRequest,
        token: String?,
        arrival: ContinuousClock.Instant,
        batchRequestID: String?
    ) -> (Admission, Int) {
        let route = MSGraphRoute.parse(request.path)
        let now = ContinuousClock.now
        let method = request.method
        return box.withLock { b in
            b.counters.requests["\(method) \(route?.template ?? request.path)", default: 0] += 1
            if let violation = b.windows.judge(
                method: method,
                path: request.path,
                resource: nil,
                arrivedAt: arrival - origin
            ) {
                b.counters.record(violation)
            }
            b.recorded.append(
                MSGraphRecordedRequest(
                    method: method,
                    path: request.path,
                    query: request.query.map { (name: $0.0, value: $0.1) },
                    body: request.body,
                    inBatch: batchRequestID != nil,
                    batchRequestID: batchRequestID
                )
            )
            let index = b.recorded.count - 1
            if let contract = configuration.contract, route != .batch {
                b.contractViolations += contract.violations(
                    method: method,
                    path: request.path,
                    query: request.query,
                    headers: request.headers,
                    body: request.body
                )
            }
            var delay: Int?
            var lose = false
            if let fault = b.injector.next(method: method, path: request.path) {
                b.counters.faults[fault.counterKey, default: 0] += 1
                switch fault {
                case .dropConnection: return (.drop, index)
                case .loseResponse: lose = true
                case .delay(let ms): delay = ms
                case .status(let status, let retryAfter):
                    if status == 429 { b.counters.tooManyRequests += 1 }
                    return (
                        .refuse(.injected(status), headers: retryAfter.map { [("Retry-After", String($0))] } ?? []),
                        index
                    )
                }
            }
            guard let token, let issued = b.tokens[token] else {
                b.unauthorized += 1
                let message = token == nil ? "Access token is empty." : "Access token validation failure."
                return (.refuse(MSGraphError(401, "InvalidAuthenticationToken", message), headers: []), index)
            }
            guard issued.expiry > now else {
                b.unauthorized += 1
                return (
                    .refuse(
                        MSGraphError(
                            401,
                            "InvalidAuthenticationToken",
                            "Lifetime validation failed, the token is expired."
                        ),
                        headers: []
                    ), index
                )
            }
            guard let route else {
                let segment = request.path.split(separator: "/").first.map(String.init) ?? request.path
                return (
                    .refuse(
                        MSGraphError(400, "BadRequest", "Resource not found for the segment '\(segment)'."),
                        headers: []
                    ), index
                )
            }
            guard route.methods.contains(method) else {
                return (
                    .refuse(
                        MSGraphError(
                            405,
                            "Request_BadRequest",
                            "Specified HTTP method is not allowed for the request target."
                        ),
                        headers: []
                    ), index
                )
            }
            if route == .batch {
                return (.proceed(route: route, cost: 1, delayMilliseconds: delay, loseResponse: lose), index)
            }
            var required = MSGraphPermissions.required(method: method, route: route)
            if case .group = route, method == "PATCH" {
                let keys = request.body?.objectValue?.keys ?? []
                required = MSGraphPermissions.requiredForGroupPatch(
                    onlyMembers: !keys.isEmpty && keys.allSatisfy { $0.lowercased() == "members@odata.bind" }
                )
            }
            guard !issued.roles.isDisjoint(with: required) else {
                b.forbidden += 1
                return (.refuse(.insufficientPrivileges, headers: []), index)
            }
            if request.body != nil, method == "POST" || method == "PATCH",
                !(request.header("Content-Type")?.lowercased().hasPrefix("application/json") ?? false)
            {
                return (
                    .refuse(
                        MSGraphError(
                            400,
                            "BadRequest",
                            "Write requests (excluding DELETE) must contain the Content-Type header declaration."
                        ),
                        headers: []
                    ), index
                )
            }
            let cost = MSGraphThrottle.cost(method: method, route: route, query: request.query)
            if let refusal = b.throttle.admit(cost: cost, isWrite: MSGraphThrottle.isWrite(method), at: now - origin) {
                b.counters.tooManyRequests += 1
                b.counters.rateLimited += 1
                b.throttledBy[refusal.information, default: 0] += 1
                return (
                    .refuse(
                        .tooManyRequests,
                        headers: [
                            ("Retry-After", String(refusal.retryAfter)),
                            (
                                "x-ms-throttle-scope",
                                "Tenant_Application/\(refusal.scopeKind)/\(configuration.clientID)/\(configuration.tenantID)"
                            ),
                            ("x-ms-throttle-information", refusal.information),
                        ]
                    ), index
                )
            }
            return (.proceed(route: route, cost: cost, delayMilliseconds: delay, loseResponse: lose), index)
        }
    }

    /// The API on the directory, under the lock; a thrown `MSGraphError` becomes Graph's error body.
    private func handle(_ request: MSGraphRequest, _ route: MSGraphRoute, requestID: String) -> MSGraphResponse {
        let now = ContinuousClock.now - origin
        return box.withLock { b in
            let api = MSGraphAPI(graphURL: b.baseURL + Self.apiPath, now: now)
            var directory = b.directory
            do throws(MSGraphError) {
                let response = try api.handle(request, route, &directory)
                b.directory = directory
                var headers = response.headers
                let usage = b.throttle.usage(at: now)
                if usage >= 0.8 { headers.append(("x-ms-throttle-limit-percentage", String(format: "%.2f", usage))) }
                return MSGraphResponse(status: response.status, headers: headers, body: response.body)
            } catch {
                return errorResponse(error, request, requestID: requestID)
            }
        }
    }

    /// Each request of the batch through `perform`, dependencies first; a request whose dependency
    /// failed is answered 424. A dropped inner request drops the whole batch (the requests before it
    /// took effect); a lost inner answer loses the whole batch answer once every request ran.
    private func runBatch(_ request: MSGraphRequest, token: String?, arrival: ContinuousClock.Instant) async -> Outcome
    {
        let requestID = UUID().uuidString.lowercased()
        let batch: MSGraphBatch
        do {
            batch = try MSGraphBatch(request.body)
        } catch {
            return .respond(errorResponse(error, request, requestID: requestID), loseResponse: false)
        }
        var statuses: [String: Int] = [:]
        var entries: [JSONValue] = []
        var lose = false
        for item in batch.items {
            var response: MSGraphResponse
            if let failed = item.dependsOn.first(where: { (statuses[$0] ?? 424) >= 400 }) {
                let error = MSGraphError(
                    424,
                    "FailedDependency",
                    "The request depends on request '\(failed)', which failed."
                )
                response = errorResponse(error, request, requestID: requestID)
            } else {
                switch MSGraphBatch.request(item) {
                case .failure(let error):
                    response = errorResponse(error, request, requestID: requestID)
                case .success(let inner) where MSGraphRoute.parse(inner.path) == .batch:
                    response = errorResponse(
                        MSGraphError(400, "BadRequest", "A batch cannot hold a $batch request."),
                        inner,
                        requestID: requestID
                    )
                case .success(let inner):
                    switch await perform(inner, bearerToken: token, arrivedAt: arrival, batchRequestID: item.id) {
                    case .drop: return .drop
                    case .respond(let r, let l):
                        response = r
                        lose = lose || l
                    }
                }
            }
            statuses[item.id] = response.status
            entries.append(MSGraphBatch.entry(id: item.id, response))
        }
        box.withLock { $0.batches += 1 }
        return .respond(MSGraphAPI.json(200, ["responses": .array(entries)]), loseResponse: lose)
    }

    /// Counts the answer and opens a target-wide `Retry-After` window if it carries one: Graph's
    /// throttle speaks for the whole app in the tenant.
    private func finish(_ index: Int, _ response: MSGraphResponse) {
        let now = ContinuousClock.now - origin
        box.withLock { b in
            if index < b.recorded.count { b.recorded[index].status = response.status }
            b.counters.responses[String(response.status), default: 0] += 1
            if let retryAfter = response.retryAfter { b.windows.open(.target, retryAfter: retryAfter, at: now) }
        }
    }

    func errorResponse(_ error: MSGraphError, _ request: MSGraphRequest, requestID: String) -> MSGraphResponse {
        MSGraphResponse(
            status: error.status,
            headers: [("Content-Type", "application/json")],
            body: error.body(
                requestID: requestID,
                clientRequestID: request.header("client-request-id"),
                date: Date().ISO8601Format()
            )
        )
    }
}
