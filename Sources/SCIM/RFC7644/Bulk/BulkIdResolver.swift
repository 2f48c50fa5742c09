/// Resolves `bulkId:` references between the operations of one bulk request, RFC 7644 §3.7.1–§3.7.2.
///
/// Pure bookkeeping for the server's bulk loop:
/// 1. `init` finds every `"bulkId:<id>"` string in each operation's `data` (anywhere in the JSON, e.g.
///    `members[].value` or the enterprise `manager.value`) and in its `path`, and plans `steps` in which
///    the POST defining a bulkId runs before the operations that refer to it; otherwise request order is
///    kept (§3.7: "the client's intent is preserved").
/// 2. For each step the server calls `resolved(_:)` (or, inside a cycle, `withoutUnresolved(_:)` and then
///    `completion(_:)`), which substitutes the ids recorded so far or throws the operation's error, runs
///    the operation, and `record`s the id a POST created (or `recordFailure` when it failed).
///
/// Circular references (§3.7.1: the service provider "MUST try to resolve circular cross-references
/// between resources in a single POST request", e.g. two groups that are members of each other) are
/// broken in two passes: every POST of the cycle is created without the references that cannot be
/// resolved yet, then each is completed with a replace that carries its full, now resolvable, data.
///
/// Errors: a reference to a bulkId no POST of the request defines is 400 `invalidValue`; an operation
/// whose referenced POST failed is 409.
public struct BulkIdResolver: Sendable {
    /// The literal that starts a reference (§3.7.2).
    public static let referencePrefix = "bulkId:"

    /// The operations, in request order.
    public let operations: [BulkOperation]
    /// One thing the server does, in `steps` order.
    public enum Step: Sendable, Hashable {
        /// Run the operation with `resolved(_:)`.
        case run(Int)
        /// First pass of a POST on a reference cycle: create it with `withoutUnresolved(_:)`.
        case createBreakingCycle(Int)
        /// Second pass: replace the resource the first pass created with `completion(_:)`; the result
        /// of the operation is reported after this step.
        case completeCycle(Int)

        /// The operation the step is about.
        public var index: Int {
            switch self {
            case .run(let i), .createBreakingCycle(let i), .completeCycle(let i): i
            }
        }
    }

    /// What to do, in order: every operation once, operations on a cycle twice.
    public let steps: [Step]
    /// Every operation index once, in the order they are first run.
    public var order: [Int] { steps.compactMap { if case .completeCycle = $0 { nil } else { $0.index } } }
    /// Operations that cannot run, known before anything runs, with the error to report for each.
    public let failures: [Int: SCIMError]
    /// The ids created so far, by bulkId.
    public private(set) var createdIds: [String: String] = [:]
    private var failedBulkIds: Set<String> = []

    /// Analyses `operations` (already validated, so bulkIds are unique).
    public init(operations: [BulkOperation]) {
        self.operations = operations
        let n = operations.count
        var definer: [String: Int] = [:]
        for (i, op) in operations.enumerated() where op.method == .post {
            if let b = op.bulkId { definer[b] = i }
        }
        var failures: [Int: SCIMError] = [:]
        var dependencies = [[Int]](repeating: [], count: n)
        for (i, op) in operations.enumerated() {
            for ref in Self.references(in: op) {
                if let d = definer[ref] {
                    if !dependencies[i].contains(d) { dependencies[i].append(d) }
                } else if failures[i] == nil {
                    failures[i] = .invalidValue(
                        "Operations[\(i)] refers to \"bulkId:\(ref)\", but no POST operation in this request has bulkId '\(ref)'."
                    )
                }
            }
        }

        // Kahn's algorithm over the strongly connected components, always taking the component with
        // the lowest ready index so that request order is kept wherever dependencies allow. A
        // component of one operation is an ordinary operation; a larger one (or one referring to
        // itself) is a cycle, run in two passes.
        let components = Self.components(of: n, dependencies: dependencies)
        var componentOf = [Int](repeating: 0, count: n)
        for (c, members) in components.enumerated() { for i in members { componentOf[i] = c } }
        var dependents = [[Int]](repeating: [], count: components.count)
        var pending = [Int](repeating: 0, count: components.count)
        for (c, members) in components.enumerated() {
            let outside = Set(members.flatMap { dependencies[$0] }.map { componentOf[$0] }).subtracting([c])
            pending[c] = outside.count
            for d in outside { dependents[d].append(c) }
        }
        var ready = (0..<components.count).filter { pending[$0] == 0 }.sorted { components[$0][0] < components[$1][0] }
        var steps: [Step] = []
        steps.reserveCapacity(n)
        while !ready.isEmpty {
            let c = ready.removeFirst()
            let members = components[c]
            let cyclic = members.count > 1 || dependencies[members[0]].contains(members[0])
            if cyclic {
                steps += members.map(Step.createBreakingCycle)
                steps += members.map(Step.completeCycle)
            } else {
                steps.append(.run(members[0]))
            }
            for i in members where failures[i] == nil {
                if let failed = dependencies[i].first(where: { componentOf[$0] != c && failures[$0] != nil }) {
                    failures[i] = .conflict(
                        "Operations[\(i)] depends on bulkId '\(operations[failed].bulkId ?? "")' of Operations[\(failed)], which cannot be processed."
                    )
                }
            }
            for d in dependents[c] {
                pending[d] -= 1
                if pending[d] == 0 {
                    let at = ready.firstIndex { components[$0][0] > components[d][0] } ?? ready.endIndex
                    ready.insert(d, at: at)
                }
            }
        }
        self.steps = steps
        self.failures = failures
    }

    /// The strongly connected components of the dependency graph (Tarjan), each in index order.
    static func components(of n: Int, dependencies: [[Int]]) -> [[Int]] {
        var index = [Int?](repeating: nil, count: n)
        var low = [Int](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var stack: [Int] = []
        var counter = 0
        var result: [[Int]] = []
        func visit(_ v: Int) {
            index[v] = counter
            low[v] = counter
            counter += 1
            stack.append(v)
            onStack[v] = true
            for w in dependencies[v] {
                if let iw = index[w] {
                    if onStack[w] { low[v] = min(low[v], iw) }
                } else {
                    visit(w)
                    low[v] = min(low[v], low[w])
                }
            }
            if low[v] == index[v] {
                var component: [Int] = []
                while let w = stack.popLast() {
                    onStack[w] = false
                    component.append(w)
                    if w == v { break }
                }
                result.append(component.sorted())
            }
        }
        for v in 0..<n where index[v] == nil { visit(v) }
        return result
    }

    // MARK: - References

    /// The bulkIds `operation` refers to, in order of first appearance (path first, then data).
    public static func references(in operation: BulkOperation) -> [String] {
        var found: [String] = []
        if let id = operation.resourceId, let ref = reference(id) { found.append(ref) }
        if let data = operation.data { collect(.object(data), into: &found) }
        return found
    }

    /// The bulkId a string refers to, if it is a `bulkId:` reference.
    public static func reference(_ s: String) -> String? {
        guard s.hasPrefix(referencePrefix) else { return nil }
        let id = s.dropFirst(referencePrefix.count)
        return id.isEmpty ? nil : String(id)
    }

    private static func collect(_ v: JSONValue, into found: inout [String]) {
        switch v {
        case .string(let s):
            if let ref = reference(s), !found.contains(ref) { found.append(ref) }
        case .array(let a):
            for e in a { collect(e, into: &found) }
        case .object(let o):
            for m in o.members { collect(m.value, into: &found) }
        default:
            break
        }
    }

    // MARK: - Running

    /// Records the id the POST with `bulkId` created.
    public mutating func record(bulkId: String, id: String) {
        createdIds[bulkId] = id
    }

    /// Records that the POST with `bulkId` failed, so operations referring to it fail with 409.
    public mutating func recordFailure(bulkId: String) {
        failedBulkIds.insert(bulkId)
    }

    /// Operation `index` with every `bulkId:` reference replaced by the created id.
    ///
    /// Throws the operation's precomputed failure, or 409 when a referenced POST failed or has not run.
    public func resolved(_ index: Int) throws(SCIMError) -> BulkOperation {
        if let failure = failures[index] { throw failure }
        var op = operations[index]
        let refs = Self.references(in: op)
        if refs.isEmpty { return op }
        for ref in refs where createdIds[ref] == nil {
            if failedBulkIds.contains(ref) {
                throw .conflict("Operations[\(index)] refers to bulkId '\(ref)', whose POST operation failed.")
            }
            throw .conflict("Operations[\(index)] refers to bulkId '\(ref)', which has not been created yet.")
        }
        if let id = op.resourceId, let ref = Self.reference(id), let created = createdIds[ref] {
            op.path = op.endpoint + "/" + created
        }
        if let data = op.data, case .object(let replaced) = substitute(.object(data)) { op.data = replaced }
        return op
    }

    /// First pass of a POST on a cycle: operation `index` with the references created so far
    /// substituted and every array element or attribute that still holds an unresolved reference left out.
    public func withoutUnresolved(_ index: Int) throws(SCIMError) -> BulkOperation {
        if let failure = failures[index] { throw failure }
        var op = operations[index]
        if let data = op.data { op.data = strip(data, whole: false) }
        return op
    }

    /// Second pass of a POST on a cycle: a PUT of its full data, every reference now resolved, to the
    /// resource the first pass created. Throws 409 when a reference of the cycle failed.
    public func completion(_ index: Int) throws(SCIMError) -> BulkOperation {
        var op = try resolved(index)
        guard let bulkId = op.bulkId, let id = createdIds[bulkId] else {
            throw .conflict("Operations[\(index)] could not be created, so its references cannot be completed.")
        }
        op.method = .put
        op.path = op.endpoint + "/" + id
        return op
    }

    /// `v` with created references substituted; nil when `v` is, or holds, a reference not created yet.
    private func stripUnresolved(_ v: JSONValue) -> JSONValue? {
        switch v {
        case .string(let s):
            guard let ref = Self.reference(s) else { return v }
            return createdIds[ref].map(JSONValue.string)
        case .array(let a):
            return .array(a.compactMap(stripUnresolved))
        case .object(let o):
            return strip(o, whole: true).map(JSONValue.object)
        default:
            return v
        }
    }

    /// An object without its unresolved references. With `whole`, an object that itself holds one (a
    /// member `{"value": "bulkId:x"}`, a manager) is left out entirely (nil); otherwise only the
    /// attributes that hold one are.
    private func strip(_ o: JSONObject, whole: Bool) -> JSONObject? {
        var members: [(key: String, value: JSONValue)] = []
        for m in o.members {
            guard let kept = stripUnresolved(m.value) else {
                if whole, case .string = m.value { return nil }
                continue
            }
            members.append((m.key, kept))
        }
        return JSONObject(uniqueMembers: members)
    }

    private func substitute(_ v: JSONValue) -> JSONValue {
        switch v {
        case .string(let s):
            if let ref = Self.reference(s), let id = createdIds[ref] { return .string(id) }
            return v
        case .array(let a):
            return .array(a.map(substitute))
        case .object(let o):
            return .object(JSONObject(uniqueMembers: o.members.map { (key: $0.key, value: substitute($0.value)) }))
        default:
            return v
        }
    }
}
