/// The identity-and-access limits of one application in one tenant (research/targets.md §F
/// "Throttling"): a token bucket of ResourceUnits refilled over 10 seconds, where each request costs
/// by its kind (`cost(method:route:query:)`), and a budget of write requests per window (3,000 per
/// 2 min 30 s), kept as a sliding window of the writes admitted. A refused request takes nothing from
/// either. It also keeps what a benchmark needs to say how close a client ran to the write limit.
/// A pure state machine over an explicit time (since any fixed origin), like `TokenBucket`.
public struct MSGraphThrottle: Sendable {
    /// The limits in force; nil disables one.
    public struct Limits: Sendable, Hashable {
        public var writesPerWindow: Int?
        public var writeWindow: Duration
        public var resourceUnitsPerWindow: Int?
        public var resourceUnitWindow: Duration

        public init(
            writesPerWindow: Int? = 3000,
            writeWindow: Duration = .seconds(150),
            resourceUnitsPerWindow: Int? = 8000,
            resourceUnitWindow: Duration = .seconds(10)
        ) {
            self.writesPerWindow = writesPerWindow.map { max(1, $0) }
            self.writeWindow = writeWindow > .zero ? writeWindow : .seconds(150)
            self.resourceUnitsPerWindow = resourceUnitsPerWindow.map { max(1, $0) }
            self.resourceUnitWindow = resourceUnitWindow > .zero ? resourceUnitWindow : .seconds(10)
        }
    }

    /// Why a request was refused, and how long to wait.
    public enum Refusal: Sendable, Hashable {
        case resourceUnits(retryAfter: Int)
        case writes(retryAfter: Int)

        public var retryAfter: Int {
            switch self {
            case .resourceUnits(let s), .writes(let s): s
            }
        }

        /// The limit's part of `x-ms-throttle-scope` (`Tenant_Application/Write/{app}/{tenant}`).
        public var scopeKind: String {
            switch self {
            case .resourceUnits: "ReadWrite"
            case .writes: "Write"
            }
        }

        /// The `x-ms-throttle-information` value, and the name the emulator counts it under.
        public var information: String {
            switch self {
            case .resourceUnits: "ResourceUnitLimitExceeded"
            case .writes: "WriteLimitExceeded"
            }
        }
    }

    public let limits: Limits
    private var units: Double
    private var unitsUpdated: Duration?
    /// Admission times of the writes still inside the window, oldest first (from `head`).
    private var writeTimes: [Duration] = []
    private var head = 0

    /// Writes admitted since the start.
    public private(set) var writesAdmitted = 0
    public private(set) var firstWrite: Duration?
    public private(set) var lastWrite: Duration?
    /// The most writes that were ever inside one window at once.
    public private(set) var peakWritesInWindow = 0

    public init(limits: Limits) {
        self.limits = limits
        units = Double(limits.resourceUnitsPerWindow ?? 0)
    }

    /// A request's ResourceUnit cost: `GET /users` 2, `GET /groups/{id}/members` 3, other reads 1,
    /// writes 1; `$select` -1, `$expand` +1, `$top` under 20 -1; never below 1.
    public static func cost(method: String, route: MSGraphRoute, query: [(String, String)]) -> Int {
        guard method.uppercased() == "GET" else { return 1 }
        var cost: Int
        switch route {
        case .users: cost = 2
        case .members: cost = 3
        default: cost = 1
        }
        let names = Set(query.map { $0.0.lowercased() })
        if names.contains("$select") { cost -= 1 }
        if names.contains("$expand") { cost += 1 }
        if let top = query.first(where: { $0.0.lowercased() == "$top" }).flatMap({ Int($0.1) }), top < 20 { cost -= 1 }
        return max(1, cost)
    }

    /// Whether a method writes (and so counts against the write budget).
    public static func isWrite(_ method: String) -> Bool {
        ["POST", "PATCH", "PUT", "DELETE"].contains(method.uppercased())
    }

    /// Admits a request costing `cost` at `now`, or says why not.
    public mutating func admit(cost: Int, isWrite: Bool, at now: Duration) -> Refusal? {
        refill(at: now)
        prune(at: now)
        var refusal: Refusal?
        if let limit = limits.resourceUnitsPerWindow, units < Double(cost) {
            let rate = Double(limit) / Self.seconds(limits.resourceUnitWindow)
            refusal = .resourceUnits(retryAfter: max(1, Int(((Double(cost) - units) / rate).rounded(.up))))
        }
        if isWrite, let limit = limits.writesPerWindow, writeTimes.count - head >= limit {
            let wait = Self.seconds(writeTimes[head] + limits.writeWindow - now)
            let writes = Refusal.writes(retryAfter: max(1, Int(wait.rounded(.up))))
            if writes.retryAfter > (refusal?.retryAfter ?? 0) { refusal = writes }
        }
        if let refusal { return refusal }
        if limits.resourceUnitsPerWindow != nil { units -= Double(cost) }
        if isWrite {
            writeTimes.append(now)
            writesAdmitted += 1
            if firstWrite == nil { firstWrite = now }
            lastWrite = now
            peakWritesInWindow = max(peakWritesInWindow, writeTimes.count - head)
        }
        return nil
    }

    /// The larger share of either limit in use at `now` (0…1), for `x-ms-throttle-limit-percentage`.
    public func usage(at now: Duration) -> Double {
        var share = 0.0
        if let limit = limits.resourceUnitsPerWindow { share = max(share, 1 - units / Double(limit)) }
        if let limit = limits.writesPerWindow {
            let inWindow = writeTimes[head...].filter { $0 > now - limits.writeWindow }.count
            share = max(share, Double(inWindow) / Double(limit))
        }
        return min(1, max(0, share))
    }

    /// Writes admitted per second over the busy period (first to last write) divided by the limit's
    /// rate (`writesPerWindow / writeWindow`): 1 means the client wrote exactly as fast as the limit
    /// allows on average. nil without a write limit or before two writes at different times.
    public var writeRateShare: Double? {
        guard let limit = limits.writesPerWindow, let first = firstWrite, let last = lastWrite, last > first else {
            return nil
        }
        let rate = Double(writesAdmitted - 1) / Self.seconds(last - first)
        return rate / (Double(limit) / Self.seconds(limits.writeWindow))
    }

    /// `peakWritesInWindow` as a share of the write limit (1: the window was full at some point).
    public var peakWriteShare: Double? {
        limits.writesPerWindow.map { Double(peakWritesInWindow) / Double($0) }
    }

    private mutating func refill(at now: Duration) {
        guard let limit = limits.resourceUnitsPerWindow else { return }
        if let updated = unitsUpdated, now > updated {
            let rate = Double(limit) / Self.seconds(limits.resourceUnitWindow)
            units = min(Double(limit), units + Self.seconds(now - updated) * rate)
        }
        if unitsUpdated.map({ now > $0 }) ?? true { unitsUpdated = now }
    }

    private mutating func prune(at now: Duration) {
        while head < writeTimes.count, writeTimes[head] <= now - limits.writeWindow { head += 1 }
        // Drop the admitted prefix now and then, so that a long run keeps only the window.
        if head > 4096 && head * 2 > writeTimes.count {
            writeTimes.removeFirst(head)
            head = 0
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
