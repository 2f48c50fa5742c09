/// Adding values to a multi-valued attribute, RFC 7644 §3.5.2.1 ("if the target location already
/// contains the value specified, no changes SHOULD be made"), and keeping a single primary value
/// (RFC 7643 §2.4, RFC 7644 §3.5.2).
///
/// A complex value with a `value` sub-attribute is "already there" when some existing value has the
/// same `value` (compared per its `caseExact`) and the same `type`, or one of the two has no `type`
/// (RFC 7643 §2.4 names the (type, value) pair as what must not repeat). The new sub-attributes are
/// merged into the existing value instead of appending a duplicate. A hash index of existing values
/// keeps adding k members to a group of n members O(n + k).
enum MultiValuedMerge {
    /// `existing` with `new` added; `touched` are the indices of the values the new ones landed in.
    static func add(_ new: [JSONValue], to existing: [JSONValue], _ def: AttributeDefinition, at path: String)
        throws(SCIMError) -> (values: [JSONValue], touched: [Int])
    {
        var values = existing
        values.reserveCapacity(existing.count + new.count)
        var touched: [Int] = []
        touched.reserveCapacity(new.count)

        guard def.type == .complex else {
            var seen = Set(values.map { key($0, caseExact: def.caseExact) })
            for v in new where seen.insert(key(v, caseExact: def.caseExact)).inserted {
                values.append(v)
                touched.append(values.count - 1)
            }
            return (values, touched)
        }
        guard let valueDef = def.subAttribute(named: "value") else {
            // No identifying sub-attribute (addresses): only an identical value counts as present.
            for v in new {
                if let j = values.firstIndex(of: v) {
                    touched.append(j)
                } else {
                    values.append(v)
                    touched.append(values.count - 1)
                }
            }
            return (values, touched)
        }
        // First index of each value; values whose key repeats (same value, other type) are rare
        // and are found by a scan.
        var index: [JSONValue: Int] = [:]
        var repeated: Set<JSONValue> = []
        index.reserveCapacity(values.count + new.count)
        for (i, v) in values.enumerated() {
            guard let id = v["value"] else { continue }
            let k = key(id, caseExact: valueDef.caseExact)
            if index[k] == nil { index[k] = i } else { repeated.insert(k) }
        }
        for v in new {
            guard case .object(let o) = v, let id = o["value"] else { continue }
            let k = key(id, caseExact: valueDef.caseExact)
            var match: Int?
            if let first = index[k] {
                if sameType(values[first], v) {
                    match = first
                } else if repeated.contains(k) {
                    match = values.indices.first { i in
                        values[i]["value"].map { key($0, caseExact: valueDef.caseExact) == k } == true
                            && sameType(values[i], v)
                    }
                }
            }
            if let j = match {
                // Re-adding a present value: immutable parts stay as they are (RFC 7644 §3.5.2.1:
                // "If the user was already a member of this group, no changes should be made").
                values[j] = try merge(o, into: values[j], def, at: path, keepingImmutable: true)
                touched.append(j)
            } else {
                values.append(v)
                if index[k] == nil { index[k] = values.count - 1 } else { repeated.insert(k) }
                touched.append(values.count - 1)
            }
        }
        return (values, touched)
    }

    /// Merges sub-attributes into a complex value; `null` unassigns. Changing an immutable
    /// sub-attribute that already has a different value is a `mutability` error (RFC 7644 §3.5.2),
    /// or with `keepingImmutable` leaves the existing value in place.
    static func merge(
        _ subs: JSONObject,
        into target: JSONValue,
        _ def: AttributeDefinition,
        at path: String,
        keepingImmutable: Bool = false
    ) throws(SCIMError) -> JSONValue {
        var o = target.objectValue ?? JSONObject()
        for (k, v) in subs {
            let sub = def.subAttribute(named: k)
            let current = o[k]
            if v.isNull {
                guard let current, !current.isNull else { continue }
                if let sub, sub.required {
                    throw .mutability("'\(path).\(sub.name)' is required and cannot be removed.")
                }
                if let sub, sub.mutability == .immutable || def.mutability == .immutable {
                    throw .mutability("'\(path).\(sub.name)' is immutable and already has a value.")
                }
                o[k] = nil
                continue
            }
            if let current, !current.isNull, current != v,
                sub?.mutability == .immutable || def.mutability == .immutable
            {
                if keepingImmutable { continue }
                throw .mutability("'\(path).\(sub?.name ?? k)' is immutable and already has a different value.")
            }
            o[k] = v
        }
        return .object(o)
    }

    /// After an operation set `primary: true` on the values at `setBy`, sets it to false on every other
    /// value. More than one new primary is `invalidValue`.
    static func enforceSinglePrimary(_ values: inout [JSONValue], setBy: [Int], at path: String) throws(SCIMError) {
        var primaries: [Int] = []
        for i in Set(setBy) where values[i]["primary"] == .bool(true) { primaries.append(i) }
        guard !primaries.isEmpty else { return }
        guard primaries.count == 1 else {
            throw .invalidValue(
                "The operation would make \(primaries.count) values of '\(path)' primary; at most one may be (RFC 7643 §2.4)."
            )
        }
        let keep = primaries[0]
        for i in values.indices where i != keep && values[i]["primary"] == .bool(true) {
            if case .object(var o) = values[i] {
                o["primary"] = .bool(false)
                values[i] = .object(o)
            }
        }
    }

    /// Whether two complex values have compatible `type`s (equal ignoring case, or one absent).
    static func sameType(_ a: JSONValue, _ b: JSONValue) -> Bool {
        guard case .string(let x)? = a["type"], case .string(let y)? = b["type"] else { return true }
        return caseInsensitiveEquals(x, y)
    }

    /// A hashable identity for a value; strings fold case unless `caseExact`.
    static func key(_ v: JSONValue, caseExact: Bool) -> JSONValue {
        if !caseExact, case .string(let s) = v { return .string(FilterEvaluator.foldCase(s)) }
        return v
    }
}
