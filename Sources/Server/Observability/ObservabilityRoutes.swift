import Hummingbird
import Prometheus
import SCIM
import Store

/// `/healthz` (the process answers), `/readyz` (the store takes writes and every target worker runs,
/// with each target's last call, last error time and outbox depth) and `/metrics` (Prometheus text).
/// None needs a channel's token; none shows a secret, a user or an error's text (those are in the
/// admin API, behind its token). A target that is down does not make the bridge unready: inbound
/// SCIM still works, and the changes wait in the outbox.
struct ObservabilityRoutes {
    let store: any Store
    let configuration: ObservabilityConfiguration

    /// `/healthz`, `/readyz`, and `/metrics` unless it has a port of its own.
    func register(on router: Router<SCIMRequestContext>) {
        router.get("healthz") { _, _ in Response.scim(.ok, ["status": "ok"]) }
        router.get("readyz") { _, _ in try await readiness() }
        if configuration.metricsPort == nil { registerMetrics(on: router) }
    }

    /// `/metrics`, behind `server.metrics.token` when one is set.
    func registerMetrics(on router: Router<SCIMRequestContext>) {
        guard let registry = configuration.registry else { return }
        let metrics = router.group("metrics")
        if let token = configuration.metricsToken {
            metrics.add(
                middleware: StaticBearerTokenMiddleware(token: token, opens: ("/metrics", "server.metrics.token"))
            )
        }
        metrics.get { _, _ in
            await refreshGauges(registry)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok,
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
    }

    /// How long `/readyz` waits for the store's write probe: less than a readiness probe's timeout
    /// (the Kubernetes recipe's is 2 s), so that a database that does not answer gives a `503` with
    /// the reason rather than a probe that times out.
    static let storeProbeDeadline: Duration = .milliseconds(1500)

    func readiness() async throws -> Response {
        var components: [JSONValue] = []
        var ready = true
        var storeUp = true
        var storeComponent: JSONObject = ["name": "store"]
        if let health = store as? any StoreHealth {
            do {
                let size = try await Self.probe(health, within: Self.storeProbeDeadline)
                storeComponent["status"] = "up"
                storeComponent["sizeBytes"] = .integer(Int64(size))
            } catch {
                ready = false
                storeUp = false
                storeComponent["status"] = "down"
                storeComponent["error"] = .string("\(type(of: error))")
            }
        }
        components.append(.object(storeComponent))
        // A store that is down would make each target's reads wait in turn: they are left out.
        let sync = storeUp ? store as? any SyncStore : nil
        let workers = Dictionary(configuration.workers().map { ($0.target, $0) }, uniquingKeysWith: { a, _ in a })
        for target in configuration.targets {
            var c: JSONObject = ["name": .string("target \(target)")]
            let worker = workers[target]
            let running = worker?.running ?? false
            if !running { ready = false }
            c["status"] = running ? "up" : "down"
            c["worker"] = running ? "running" : "stopped"
            if let idle = worker?.idle { c["workerIdleSeconds"] = .decimal(Self.seconds(idle)) }
            if let sync, let state = try? await sync.targetState(target) {
                c["health"] = .string(state.health.rawValue)
                if let at = state.lastSuccess { c["lastSuccess"] = .string(at.iso8601) }
                if let at = state.lastErrorAt { c["lastErrorAt"] = .string(at.iso8601) }
            }
            if let sync, let counts = try? await sync.outboxCounts(target: target) {
                var outbox: JSONObject = [
                    "pending": .integer(Int64(counts["pending"] ?? 0)), "dead": .integer(Int64(counts["dead"] ?? 0)),
                ]
                if let health = store as? any StoreHealth, let oldest = try? await health.oldestPending(target: target)
                {
                    outbox["oldestPendingSeconds"] = .decimal(Self.age(of: oldest))
                }
                c["outbox"] = .object(outbox)
            }
            components.append(.object(c))
        }
        return Response.scim(
            ready ? .ok : .serviceUnavailable,
            ["status": ready ? "ready" : "not ready", "components": .array(components)]
        )
    }

    /// The store's size after a write probe, or `StoreUnavailable` when the two take longer than `limit`.
    static func probe(_ health: any StoreHealth, within limit: Duration) async throws -> Int {
        try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask {
                try await health.probeWrite()
                return try await health.sizeBytes()
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let size = try await group.next() ?? nil else {
                throw StoreUnavailable("no answer to the readiness probe within \(limit)")
            }
            return size
        }
    }

    /// The gauges read from the store at each scrape: outbox depth and age, dead letters, blocked
    /// groups, pauses, the database's size.
    func refreshGauges(_ registry: PrometheusCollectorRegistry) async {
        guard let health = store as? any StoreHealth, let sync = store as? any SyncStore else { return }
        if let size = try? await health.sizeBytes() {
            registry.makeGauge(name: "scim_bridge_store_size_bytes").set(Double(size))
        }
        for target in configuration.targets {
            let labels = [("target", target)]
            if let counts = try? await sync.outboxCounts(target: target) {
                registry.makeGauge(name: "scim_bridge_outbox_pending", labels: labels).set(
                    Double(counts["pending"] ?? 0)
                )
                registry.makeGauge(name: "scim_bridge_outbox_dead", labels: labels).set(Double(counts["dead"] ?? 0))
            }
            let oldest = (try? await health.oldestPending(target: target)) ?? nil
            registry.makeGauge(name: "scim_bridge_outbox_oldest_pending_age_seconds", labels: labels)
                .set(oldest.map(Self.age(of:)) ?? 0)
            if let blocked = try? await health.blockedGroups(target: target) {
                registry.makeGauge(name: "scim_bridge_blocked_groups", labels: labels).set(Double(blocked))
            }
            let paused = ((try? await sync.targetState(target)) ?? nil)?.pausedReason != nil
            registry.makeGauge(name: "scim_bridge_target_paused", labels: labels).set(paused ? 1.0 : 0.0)
        }
    }

    static func age(of t: SCIMDateTime) -> Double {
        let now = SCIMDateTime.now
        return max(0, Double(now.seconds - t.seconds) + Double(now.nanoseconds - t.nanoseconds) / 1e9)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
