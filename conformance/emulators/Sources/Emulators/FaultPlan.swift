public import SCIM

/// What the emulator should get wrong and when: scripted rules ("fail the next N requests that
/// match"), then random faults drawn from a seeded generator so that runs are reproducible.
///
/// For each request the first rule that matches and has requests left fires (and counts down);
/// when none does, one number is drawn in [0, 1) and the random faults are tried in order, each
/// taking its `probability` share of the interval, so their probabilities should add up to 1 at most.
public struct FaultPlan: Sendable, Hashable {
    /// "Fail the next `count` requests whose method and path match with `fault`."
    public struct Rule: Sendable, Hashable {
        /// The HTTP method to match (`PATCH`), or `nil` for any.
        public var method: String?
        /// The start of the path relative to the SCIM base URL (`/Groups`, `/Users/2819c223`); empty for any.
        public var pathPrefix: String
        /// How many more matching requests fail.
        public var count: Int
        public var fault: Fault

        public init(method: String? = nil, pathPrefix: String = "", count: Int = 1, fault: Fault) {
            self.method = method?.uppercased()
            self.pathPrefix = pathPrefix
            self.count = count
            self.fault = fault
        }

        /// Whether this rule applies to a request (path compared without regard to case).
        public func matches(method: String, path: String) -> Bool {
            guard count > 0 else { return false }
            if let m = self.method, m != method.uppercased() { return false }
            return pathPrefix.isEmpty || path.lowercased().hasPrefix(pathPrefix.lowercased())
        }

        /// `{"method": "PATCH", "pathPrefix": "/Groups", "count": 2, "fault": {...}}`.
        public var json: JSONValue {
            var o = JSONObject()
            if let method { o["method"] = .string(method) }
            o["pathPrefix"] = .string(pathPrefix)
            o["count"] = .integer(Int64(count))
            o["fault"] = fault.json
            return .object(o)
        }

        public init(json: JSONValue) throws(SCIMError) {
            guard case .object(let o) = json else { throw .invalidValue("A fault rule must be a JSON object.") }
            let method = try o["method"].flatMap { v throws(SCIMError) -> String? in
                if v.isNull { return nil }
                guard let s = v.stringValue, !s.isEmpty else {
                    throw .invalidValue("A rule's 'method' must be a string such as \"PATCH\".")
                }
                return s
            }
            let prefix = o["pathPrefix"]?.stringValue ?? ""
            let count = try o["count"].map { v throws(SCIMError) in try Fault.integer(v, "count") } ?? 1
            guard let fault = o["fault"] else { throw .invalidValue("A fault rule needs a 'fault'.") }
            self.init(method: method, pathPrefix: prefix, count: count, fault: try Fault(json: fault))
        }
    }

    /// A fault that hits any request with the given probability.
    public struct RandomFault: Sendable, Hashable {
        /// Between 0 and 1.
        public var probability: Double
        public var fault: Fault

        public init(probability: Double, fault: Fault) {
            self.probability = probability
            self.fault = fault
        }

        public var json: JSONValue { ["probability": .decimal(probability), "fault": fault.json] }

        public init(json: JSONValue) throws(SCIMError) {
            guard let p = json["probability"]?.numberValue, p >= 0, p <= 1 else {
                throw .invalidValue("A random fault needs a 'probability' between 0 and 1.")
            }
            guard let fault = json["fault"] else { throw .invalidValue("A random fault needs a 'fault'.") }
            self.init(probability: p, fault: try Fault(json: fault))
        }
    }

    /// Seeds the generator behind `random`; the same seed and requests give the same faults.
    public var seed: UInt64
    public var rules: [Rule]
    public var random: [RandomFault]

    public init(seed: UInt64 = 0, rules: [Rule] = [], random: [RandomFault] = []) {
        self.seed = seed
        self.rules = rules
        self.random = random
    }

    /// No faults at all.
    public static let none = FaultPlan()

    /// `{"seed": 42, "rules": [...], "random": [...]}`.
    public var json: JSONValue {
        [
            "seed": .integer(Int64(bitPattern: seed)),
            "rules": .array(rules.map(\.json)),
            "random": .array(random.map(\.json)),
        ]
    }

    /// Reads the `json` form; every member is optional.
    public init(json: JSONValue) throws(SCIMError) {
        guard case .object(let o) = json else { throw .invalidValue("A fault plan must be a JSON object.") }
        var seed: UInt64 = 0
        if let s = o["seed"], !s.isNull {
            guard let n = s.integerValue else { throw .invalidValue("'seed' must be an integer.") }
            seed = UInt64(bitPattern: n)
        }
        var rules: [Rule] = []
        for r in o["rules"]?.arrayValue ?? [] { rules.append(try Rule(json: r)) }
        var random: [RandomFault] = []
        for r in o["random"]?.arrayValue ?? [] { random.append(try RandomFault(json: r)) }
        guard random.reduce(0, { $0 + $1.probability }) <= 1 + 1e-9 else {
            throw .invalidValue("The probabilities of the random faults add up to more than 1.")
        }
        self.init(seed: seed, rules: rules, random: random)
    }
}
