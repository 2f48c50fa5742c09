internal import Hummingbird
internal import SCIM

/// Registers an emulator's test-control API under `/_emulator/` (no authentication: bind the
/// emulator to loopback): the endpoints the vendors share, each answered in the vendor's JSON shape,
/// and `routes` for the vendor's own. `conformance/emulators/README.md` lists them. It lives only
/// while the router is built (a router group is not `Sendable`); its handlers capture `Sendable` values.
struct AdminRouteBuilder {
    static let prefix = "_emulator"

    /// Runs a handler: an emulator whose middleware renders no errors answers its failures here.
    typealias Guard = @Sendable (() async throws -> Response) async throws -> Response

    /// The group under `/_emulator/`, for the vendor's own endpoints.
    let routes: RouterGroup<EmulatorRequestContext>
    /// Writes a JSON answer the vendor's way (media type, headers).
    let respond: @Sendable (Int, JSONValue) -> Response
    private let guarded: Guard

    init(
        on router: Router<EmulatorRequestContext>,
        respond: @escaping @Sendable (Int, JSONValue) -> Response,
        guarded: @escaping Guard = { try await $0() }
    ) {
        routes = router.group(RouterPath(Self.prefix))
        self.respond = respond
        self.guarded = guarded
    }

    /// `GET state`: the emulator's snapshot.
    func state(_ render: @escaping @Sendable () -> JSONValue) {
        let respond = respond
        on("state", .get) { _ in respond(200, render()) }
    }

    /// `GET requests`: what arrived, in order.
    func requests(_ render: @escaping @Sendable () -> JSONValue) {
        let respond = respond
        on("requests", .get) { _ in respond(200, render()) }
    }

    /// `POST reset`: back to the configuration.
    func reset(_ perform: @escaping @Sendable () -> Void) { command("reset", .post, perform) }

    /// `POST counters/reset`: counters to zero, resources kept.
    func resetCounters(_ perform: @escaping @Sendable () -> Void) { command("counters/reset", .post, perform) }

    /// `POST tokens/expire`: every access token issued so far stops working.
    func expireTokens(_ perform: @escaping @Sendable () -> Void) { command("tokens/expire", .post, perform) }

    /// `POST seed`: `perform` reads the body and returns what it created, answered with 201.
    func seed(_ perform: @escaping @Sendable (JSONValue) throws -> JSONValue) {
        let respond = respond
        on("seed", .post) { request in respond(201, try perform(try await AdminJSON.body(of: request))) }
    }

    /// `GET`, `PUT` and `DELETE faults`: the fault plan.
    func faults(of emulator: some FaultControllable) {
        let respond = respond
        on("faults", .get) { _ in respond(200, emulator.faults.json) }
        on("faults", .put) { request in
            emulator.setFaults(try FaultPlan(json: try await AdminJSON.body(of: request)))
            return respond(200, emulator.faults.json)
        }
        command("faults", .delete) { emulator.setFaults(.none) }
    }

    /// `POST faults/rules`: one more scripted rule, answered with the whole plan.
    func faultRules(of emulator: some FaultControllable) {
        let respond = respond
        on("faults/rules", .post) { request in
            let rule = try FaultPlan.Rule(json: try await AdminJSON.body(of: request))
            emulator.failNext(rule.count, method: rule.method, pathPrefix: rule.pathPrefix, with: rule.fault)
            return respond(201, emulator.faults.json)
        }
    }

    /// `GET`, `PUT` and `DELETE` at `path`: the `RateLimit` in force (`null` for none).
    func rateLimit(
        at path: String,
        get limit: @escaping @Sendable () -> RateLimit?,
        set: @escaping @Sendable (RateLimit?) -> Void
    ) {
        let respond = respond
        on(RouterPath(path), .get) { _ in respond(200, limit()?.json ?? .null) }
        on(RouterPath(path), .put) { request in
            set(try RateLimit(json: try await AdminJSON.body(of: request)))
            return respond(200, limit()?.json ?? .null)
        }
        command(RouterPath(path), .delete) { set(nil) }
    }

    /// `PUT token-lifetime` with `{"seconds": N}`: the lifetime of tokens issued from now on.
    func tokenLifetime(_ set: @escaping @Sendable (Duration) -> Void) {
        on("token-lifetime", .put) { request in
            guard let seconds = try await AdminJSON.body(of: request)["seconds"]?.integerValue, seconds > 0 else {
                throw SCIMError.invalidValue("Send {\"seconds\": N} with N > 0.")
            }
            set(.seconds(seconds))
            return Response(status: .noContent)
        }
    }

    /// Does `perform`, answers 204.
    private func command(_ path: RouterPath, _ method: HTTPRequest.Method, _ perform: @escaping @Sendable () -> Void) {
        on(path, method) { _ in
            perform()
            return Response(status: .noContent)
        }
    }

    private func on(
        _ path: RouterPath,
        _ method: HTTPRequest.Method,
        _ handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        let guarded = guarded
        routes.on(path, method: method) { request, _ in try await guarded { try await handler(request) } }
    }
}
