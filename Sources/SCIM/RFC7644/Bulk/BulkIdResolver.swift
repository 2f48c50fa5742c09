/// Resolves `bulkId:` references between the operations of one bulk request, RFC 7644 §3.7.1–§3.7.2.
///
/// Pure bookkeeping for the server's bulk loop:
/// 1. `init` finds every `"bulkId:<id>"` string in each operation's `data` (anywhere in the JSON, e.g.
///    `members[].value` or the enterprise `manager.value`) and in its `path`, and puts the operations in
///    an `order` where the POST defining a bulkId runs before the operations that refer to it; otherwise
///    request order is kept (§3.7: "the client's intent is preserved").
/// 2. For each index of `order` the server calls `resolved(_:)`, which substitutes the ids recorded so far
///    or throws the operation's error, runs the operation, and `record`s the id a POST created (or
///    `recordFailure` when it failed).
///
/// Errors: a reference to a bulkId no POST of the request defines is 400 `invalidValue`; operations that
/// reference each other in a cycle are 409 (§3.7.1 allows "409 (Conflict)" after a failed attempt, and
/// this resolver does not attempt to break cycles); an operation whose referenced POST failed, or that
/// depends on such a cycle, is 409 as well.
public struct BulkIdResolver: Sendable {
    /// The literal that starts a reference (§3.7.2).
    public static let referencePrefix = "bulkId:"

    /// The operations, in request order.
    public let operations: [BulkOperation]
    /// Every operation index once, in the order to run them.
    public let order: [Int]
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
                        "Operations[\(i)] refers to \"bulkId:\(ref)\", but no POST operation in this request has bulkId '\(ref)'.")
                }
            }
        }

        // Kahn's algorithm, always taking the lowest ready index so that request order is kept
        // wherever dependencies allow.
        var dependents = [[Int]](repeating: [], count: n)
        var pending = [Int](repeating: 0, count: n)
        for i in 0..<n {
            pending[i] = dependencies[i].count
            for d in dependencies[i] { dependents[d].append(i) }
        }
        var ready = (0..<n).filter { pending[$0] == 0 }
        var order: [Int] = []
        order.reserveCapacity(n)
        var placed = [Bool](repeating: false, count: n)
        while !ready.isEmpty {
            let i = ready.removeFirst()
            order.append(i)
            placed[i] = true
            if failures[i] == nil, let failedDependency = dependencies[i].first(where: { failures[$0] != nil }) {
                failures[i] = .conflict(
                    "Operations[\(i)] depends on bulkId '\(operations[failedDependency].bulkId ?? "")' of Operations[\(failedDependency)], which cannot be processed.")
            }
            for j in dependents[i] {
                pending[j] -= 1
                if pending[j] == 0 {
                    let at = ready.firstIndex { $0 > j } ?? ready.endIndex
                    ready.insert(j, at: at)
                }
            }
        }

        // What is left is on a cycle or depends on one.
        let left = (0..<n).filter { !placed[$0] }
        if !left.isEmpty {
            let cycles = Self.cycles(among: left, dependencies: dependencies)
            for component in cycles {
                let ids = component.compactMap { operations[$0].bulkId }.map { "'\($0)'" }.joined(separator: ", ")
                for i in component {
                    failures[i] = .conflict(
                        "Operations[\(i)] is part of a circular bulkId reference between \(ids); create the resources first and add the references with a later PATCH.")
                }
            }
            for i in left where failures[i] == nil {
                failures[i] = .conflict(
                    "Operations[\(i)] depends on operations with a circular bulkId reference, so it cannot be processed.")
            }
            order.append(contentsOf: left)
        }
        self.order = order
        self.failures = failures
    }

    /// The strongly connected components among `nodes` that form cycles (Tarjan), each in index order.
    static func cycles(among nodes: [Int], dependencies: [[Int]]) -> [[Int]] {
        let inSet = Set(nodes)
        var index = [Int: Int]()
        var low = [Int: Int]()
        var onStack = Set<Int>()
        var stack: [Int] = []
        var counter = 0
        var result: [[Int]] = []
        func visit(_ v: Int) {
            index[v] = counter
            low[v] = counter
            counter += 1
            stack.append(v)
            onStack.insert(v)
            for w in dependencies[v] where inSet.contains(w) {
                if index[w] == nil {
                    visit(w)
                    low[v] = min(low[v]!, low[w]!)
                } else if onStack.contains(w) {
                    low[v] = min(low[v]!, index[w]!)
                }
            }
            if low[v] == index[v] {
                var component: [Int] = []
                while let w = stack.popLast() {
                    onStack.remove(w)
                    component.append(w)
                    if w == v { break }
                }
                if component.count > 1 || dependencies[v].contains(v) { result.append(component.sorted()) }
            }
        }
        for v in nodes where index[v] == nil { visit(v) }
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
