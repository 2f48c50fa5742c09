/// Decides, request by request, which fault of a `FaultPlan` fires. A pure state machine: the
/// emulator holds it under its lock, tests drive it directly.
public struct FaultInjector: Sendable {
    /// The plan with the rules' remaining counts.
    public private(set) var plan: FaultPlan
    private var generator: SeededRandomNumberGenerator

    public init(plan: FaultPlan) {
        self.plan = plan
        generator = SeededRandomNumberGenerator(seed: plan.seed)
    }

    /// The fault for the next request, if any: the first matching rule with requests left (which
    /// then counts down), else at most one random fault.
    public mutating func next(method: String, path: String) -> Fault? {
        if let i = plan.rules.firstIndex(where: { $0.matches(method: method, path: path) }) {
            plan.rules[i].count -= 1
            return plan.rules[i].fault
        }
        guard !plan.random.isEmpty else { return nil }
        let draw = Double.random(in: 0..<1, using: &generator)
        var upper = 0.0
        for candidate in plan.random {
            upper += candidate.probability
            if draw < upper { return candidate.fault }
        }
        return nil
    }

    /// Adds a rule after the existing ones.
    public mutating func append(_ rule: FaultPlan.Rule) {
        plan.rules.append(rule)
    }
}
