/// A run of consecutive operations on one multi-valued complex attribute that can be applied in a
/// single pass (RFC 7644 §3.5.2 applies operations in order; these runs have the same effect as a
/// whole): `add` of values by plain path (`members`), or `remove` by a filter that names values by
/// `value` (`members[value eq "id"]`, possibly joined by `or`). Okta, PingOne and the Entra
/// dialect send one operation per member, so a k-member change to an n-member group would
/// otherwise scan the n members k times.
struct PatchBatch {
    enum Kind {
        /// Add these values (as sent: checked when applied).
        case add([JSONValue])
        /// Remove the values whose `value` is one of these.
        case removeIDs([String])
    }

    let attribute: ResolvedAttribute
    let kind: Kind
    /// How many operations the run covers (always at least 2: a single operation is applied as is).
    let count: Int

    /// The run starting at `index`, if at least two operations form one.
    static func starting(at index: Int, in operations: [PatchOperation], schema: ResourceSchema) -> PatchBatch? {
        // Cheap test first: most requests have no run, and resolving paths is the costly part.
        guard index + 1 < operations.count, operations[index].op == operations[index + 1].op,
            operations[index].op != .replace, operations[index].path != nil, operations[index + 1].path != nil,
            let first = member(operations[index], schema)
        else { return nil }
        var values: [JSONValue] = []
        var ids: [String] = []
        var end = index
        while end < operations.count, let next = member(operations[end], schema), next.attribute == first.attribute,
            next.isAdd == first.isAdd
        {
            values += next.values
            ids += next.ids
            end += 1
        }
        guard end - index >= 2 else { return nil }
        return PatchBatch(
            attribute: first.attribute,
            kind: first.isAdd ? .add(values) : .removeIDs(ids),
            count: end - index
        )
    }

    private struct Member {
        var attribute: ResolvedAttribute
        var isAdd: Bool
        var values: [JSONValue] = []
        var ids: [String] = []
    }

    /// The operation as part of a run, or `nil` if it cannot join one.
    private static func member(_ operation: PatchOperation, _ schema: ResourceSchema) -> Member? {
        guard let text = operation.path, let path = try? PatchPath.parse(text).resolve(against: schema) else {
            return nil
        }
        switch (operation.op, path) {
        case (.add, .attribute(let a))
        where a.subAttribute == nil && a.attribute.multiValued && a.attribute.type == .complex:
            guard let value = operation.value else { return nil }
            let list: [JSONValue]
            if case .array(let l) = value { list = l } else { list = [value] }
            // A new primary makes order matter (the later one wins), so such adds stay apart.
            guard !list.contains(where: { $0["primary"] != nil }) else { return nil }
            return Member(attribute: a, isAdd: true, values: list)
        case (.remove, .filtered(let a, let filter, nil)):
            guard let ids = PatchEngine.valueIDs(selectedBy: filter) else { return nil }
            return Member(attribute: a, isAdd: false, ids: ids)
        default:
            return nil
        }
    }
}

extension PatchEngine {
    /// The ids of a value filter made only of `value eq "id"` tests joined by `or`; `nil` for any other filter.
    static func valueIDs(selectedBy filter: ResolvedFilter) -> [String]? {
        var ids: [String] = []
        var pending = [filter]
        // Iterative: an `or` chain of thousands of ids is a left-deep tree that deep.
        while let f = pending.popLast() {
            switch f {
            case .compare(let attr, .eq, .string(let id))
            where attr.subAttribute.map({ caseInsensitiveEquals($0.name, "value") }) ?? false:
                ids.append(id)
            case .or(let l, let r):
                pending.append(r)
                pending.append(l)
            default:
                return nil
            }
        }
        return ids
    }
}

extension PatchState {
    /// Applies a run as one operation.
    mutating func apply(_ batch: PatchBatch) throws(SCIMError) {
        let a = batch.attribute
        switch batch.kind {
        case .add(let values):
            try setAttribute(.add, a, .array(values), echoAllowed: false)
        case .removeIDs(let ids):
            try removeValues(of: a, ids: ids)
        }
    }

    /// Removes the values of `a` whose `value` is one of `ids` (compared as `value eq` compares),
    /// in one pass with a hash set.
    mutating func removeValues(of a: ResolvedAttribute, ids: [String]) throws(SCIMError) {
        let def = a.attribute
        if def.mutability == .readOnly { throw .mutability("'\(a.canonicalPath)' is readOnly and cannot be modified.") }
        guard let valueDef = def.subAttribute(named: "value"),
            let values = present(a.topLevelValue(in: resource))?.arrayValue
        else { return }
        let caseExact = valueDef.caseExact || valueDef.type == .binary
        let drop = Set(ids.map { MultiValuedMerge.key(.string($0), caseExact: caseExact) })
        let kept = values.filter { v in
            guard case .string? = v["value"] else { return true }
            return !drop.contains(MultiValuedMerge.key(v["value"]!, caseExact: caseExact))
        }
        guard kept.count != values.count else { return }
        if def.mutability == .immutable {
            throw .mutability("'\(a.canonicalPath)' is immutable; its values cannot be removed.")
        }
        if kept.isEmpty { try unassign(a) } else { setTop(a, .array(kept)) }
    }
}
