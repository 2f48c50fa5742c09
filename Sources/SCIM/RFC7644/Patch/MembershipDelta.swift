/// The effect of a Group PATCH (RFC 7644 §3.5.2) on `members`, as ids, for stores that keep
/// memberships in their own table and must not load a 100,000-member list to add one member.
///
/// Read it as: if `removeAll`, drop every current member first; then add `added` and remove
/// `removed` (the two never overlap). `otherOperations` holds every operation that does not touch
/// `members`, to be applied with `PatchEngine.apply` to the group without its members. Member ids
/// are returned as sent; `members.value` is `caseExact: false` in RFC 7643 §8.7.1, so a store should
/// match them the way it matches user ids.
public struct MembershipDelta: Sendable, Hashable {
    /// Member ids to add.
    public var added: [String]
    /// Member ids to remove (empty when `removeAll`).
    public var removed: [String]
    /// Whether all current members are removed before `added` is applied.
    public var removeAll: Bool
    /// The operations on other attributes, in their original order.
    public var otherOperations: PatchRequest

    public init(added: [String], removed: [String], removeAll: Bool, otherOperations: PatchRequest) {
        self.added = added
        self.removed = removed
        self.removeAll = removeAll
        self.otherOperations = otherOperations
    }

    /// The complete new member list when the request replaces the members, else `nil`.
    public var replaceAllWith: [String]? { removeAll ? added : nil }

    /// Whether the request changes no membership.
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && !removeAll }
}

extension PatchEngine {
    /// Splits a Group PATCH into a membership delta and the remaining operations, without the member list.
    ///
    /// Operations on `members` that a delta expresses: `add` (path `members` or a pathless value with
    /// `members`), `replace` of all members, `remove` of `members`, and `remove` with a filter made of
    /// `value eq "id"` tests joined by `or`. Anything else on `members` (a filter on `display` or
    /// `type`, `members[…].value`, `replace` of selected members) returns `nil`: the caller then loads
    /// the members and uses `apply`, which handles every form. Requests that `apply` would refuse
    /// (bad path, wrong value type, no `value` in a member) throw the same error here.
    public static func membershipDelta(_ request: PatchRequest, schema: ResourceSchema) throws(SCIMError)
        -> MembershipDelta?
    {
        guard let membersDef = schema.core.attribute(named: "members"), membersDef.multiValued,
            membersDef.type == .complex
        else {
            return MembershipDelta(added: [], removed: [], removeAll: false, otherOperations: request)
        }
        var fold = DeltaFold()
        var others: [PatchOperation] = []
        for (i, operation) in request.operations.enumerated() {
            do throws(SCIMError) {
                guard try fold.absorb(operation, membersDef, schema, others: &others) else { return nil }
            } catch {
                var where_ = "Operation \(i + 1) (\(operation.op.rawValue)"
                if let path = operation.path { where_ += " \(path)" }
                throw SCIMError(status: error.status, scimType: error.scimType, detail: "\(where_)): \(error.detail)")
            }
        }
        return MembershipDelta(
            added: fold.added.elements,
            removed: fold.removed.elements,
            removeAll: fold.removeAll,
            otherOperations: PatchRequest(operations: others)
        )
    }
}

/// Folds `members` operations, in order, into (removeAll, added, removed).
private struct DeltaFold {
    var removeAll = false
    var added = OrderedIDs()
    var removed = OrderedIDs()

    mutating func add(_ ids: [String]) {
        for id in ids {
            added.insert(id)
            removed.remove(id)
        }
    }

    mutating func remove(_ ids: [String]) {
        for id in ids {
            added.remove(id)
            if !removeAll { removed.insert(id) }
        }
    }

    mutating func clear() {
        removeAll = true
        added = OrderedIDs()
        removed = OrderedIDs()
    }

    /// Takes in one operation; `false` when it touches `members` in a way a delta cannot express.
    mutating func absorb(
        _ operation: PatchOperation,
        _ membersDef: AttributeDefinition,
        _ schema: ResourceSchema,
        others: inout [PatchOperation]
    ) throws(SCIMError) -> Bool {
        guard let pathText = operation.path else {
            guard operation.op != .remove, case .object(let o) = operation.value ?? .null else {
                others.append(operation)  // `apply` reports what is wrong with it
                return true
            }
            var rest = JSONObject()
            var membersValue: JSONValue?
            for (key, v) in o {
                if let p = AttributePath.parse(key), p.subAttribute == nil,
                    (try? schema.resolve(p)).map({ !$0.isExtension && $0.attribute.name == membersDef.name }) ?? false
                {
                    membersValue = v
                } else if caseInsensitiveEquals(key, schema.core.id), o[key]?["members"] != nil {
                    return false  // members nested under the core URN: rare, leave it to `apply`
                } else {
                    rest[key] = v
                }
            }
            if let membersValue {
                try setMembers(operation.op, membersValue, membersDef)
                if !rest.isEmpty { others.append(PatchOperation(op: operation.op, value: .object(rest))) }
            } else {
                others.append(operation)
            }
            return true
        }
        let path = try PatchPath.parse(pathText).resolve(against: schema)
        switch path {
        case .attribute(let a) where !a.isExtension && a.attribute.name == membersDef.name:
            guard a.subAttribute == nil else { return false }
            if operation.op == .remove {
                clear()
            } else {
                try setMembers(operation.op, operation.value ?? .null, membersDef)
            }
            return true
        case .filtered(let a, let filter, let sub) where !a.isExtension && a.attribute.name == membersDef.name:
            guard operation.op == .remove, sub == nil, let ids = PatchEngine.valueIDs(selectedBy: filter) else {
                return false
            }
            remove(ids)
            return true
        default:
            others.append(operation)
            return true
        }
    }

    mutating func setMembers(_ op: PatchOperation.Op, _ value: JSONValue, _ def: AttributeDefinition) throws(SCIMError)
    {
        let elements = value.isNull ? [] : try PatchValueChecker.elements(value, def, at: def.name)
        let ids = elements.compactMap { $0["value"]?.stringValue }
        if op == .replace { clear() }
        add(ids)
    }
}

/// Ids in first-seen order with O(1) membership tests.
private struct OrderedIDs {
    private var slots: [String?] = []
    private var positions: [String: Int] = [:]

    var elements: [String] { slots.compactMap { $0 } }

    mutating func insert(_ id: String) {
        guard positions[id] == nil else { return }
        positions[id] = slots.count
        slots.append(id)
    }

    mutating func remove(_ id: String) {
        guard let i = positions.removeValue(forKey: id) else { return }
        slots[i] = nil  // a hole keeps remove O(1); `elements` skips it
    }
}
