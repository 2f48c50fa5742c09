public import SCIM

/// The users and groups of the emulated service provider and the rules a strict one enforces:
/// create (RFC 7644 §3.3), query (§3.4.2), replace (§3.5.1), modify (§3.5.2), delete (§3.6) and
/// versions (§3.14). Pure and in memory; `SCIMEmulator` holds it under a lock.
///
/// Strictness beyond the letter of the RFCs, chosen to catch connector bugs:
/// - `userName` (users) and `displayName` (groups) are unique regardless of case: 409 `uniqueness`.
/// - Every group member must be an existing user or group of this provider (400 `invalidValue`
///   otherwise), so a connector that sends the bridge's own ids instead of the target's fails loudly.
/// - A member's `type`, when sent, must match what the id refers to.
/// - No IdP dialects: PATCH must be RFC 7644 §3.5.2 as written.
public struct ResourceDirectory: Sendable {
    public let userSchema: ResourceSchema
    public let groupSchema: ResourceSchema
    /// By lowercased id.
    private var resources: [String: StoredResource] = [:]
    /// Lowercased ids in creation order: lists come back in this order.
    private var order: [String] = []
    private var lastVersion: Int64 = 0

    public init(registry: SchemaRegistry = .standard) {
        userSchema = registry.resourceSchema(for: "User")!
        groupSchema = registry.resourceSchema(for: "Group")!
    }

    public func schema(_ kind: ResourceKind) -> ResourceSchema { kind == .user ? userSchema : groupSchema }

    // MARK: - Reading

    /// The resource of `kind` with `id` (any case), or 404.
    public func resource(_ kind: ResourceKind, id: String) throws(SCIMError) -> StoredResource {
        guard let r = resources[id.lowercased()], r.kind == kind else {
            throw .notFound("There is no \(kind.rawValue) with id '\(id)'.")
        }
        return r
    }

    /// Every resource of `kind`, oldest first.
    public func all(_ kind: ResourceKind) -> [StoredResource] {
        order.compactMap { resources[$0] }.filter { $0.kind == kind }
    }

    /// The full representations of `kind` that match `filter`, oldest first.
    public func search(_ kind: ResourceKind, filter: ResolvedFilter?, baseURL: String) -> [JSONObject] {
        guard let filter else { return all(kind).map { render($0, baseURL: baseURL) } }
        // A filter on stored attributes only is tested before rendering: rendering computes members,
        // groups and meta, which would make every lookup cost the size of the whole directory.
        if !Self.needsRendering(filter) {
            return all(kind).filter { r in
                var stored = r.attributes
                stored["id"] = .string(r.id)
                return FilterEvaluator.matches(filter, stored)
            }.map { render($0, baseURL: baseURL) }
        }
        return all(kind).map { render($0, baseURL: baseURL) }.filter { FilterEvaluator.matches(filter, $0) }
    }

    /// Whether `filter` reads an attribute that only the rendered representation has.
    static func needsRendering(_ filter: ResolvedFilter) -> Bool {
        func derived(_ a: ResolvedAttribute) -> Bool {
            ["members", "groups", "meta"].contains { caseInsensitiveEquals(a.attribute.name, $0) }
        }
        switch filter {
        case .compare(let a, _, _), .present(let a): return derived(a)
        case .and(let l, let r), .or(let l, let r): return needsRendering(l) || needsRendering(r)
        case .not(let f): return needsRendering(f)
        case .valuePath(let a, let f): return derived(a) || needsRendering(f)
        }
    }

    /// The representation a client sees (RFC 7643 §3.1, §4): `schemas`, `id`, the attributes, group
    /// `members` with `$ref`, `type` and `display`, a user's `groups`, and `meta`; `password` and
    /// other `returned: never` values left out unless `hidingNeverReturned` is false (a test's view).
    public func render(_ r: StoredResource, baseURL: String, hidingNeverReturned: Bool = true) -> JSONObject {
        var out = JSONObject()
        out["schemas"] = r.attributes["schemas"] ?? .array([])
        out["id"] = .string(r.id)
        for (key, value) in r.attributes
        where !caseInsensitiveEquals(key, "schemas") && !caseInsensitiveEquals(key, "members") {
            out[key] = value
        }
        switch r.kind {
        case .group:
            let members = memberIDs(r).compactMap { resources[$0.lowercased()] }
            if !members.isEmpty {
                out["members"] = .array(
                    members.map { m in
                        var o: JSONObject = [
                            "value": .string(m.id), "$ref": .string(location(m, baseURL)),
                            "type": .string(m.kind.rawValue),
                        ]
                        if let d = display(of: m) { o["display"] = .string(d) }
                        return .object(o)
                    }
                )
            }
        case .user:
            let key = r.id.lowercased()
            let groups = all(.group).filter { g in memberIDs(g).contains { $0.lowercased() == key } }
            if !groups.isEmpty {
                out["groups"] = .array(
                    groups.map { g in
                        var o: JSONObject = [
                            "value": .string(g.id), "$ref": .string(location(g, baseURL)), "type": "direct",
                        ]
                        if let d = display(of: g) { o["display"] = .string(d) }
                        return .object(o)
                    }
                )
            }
        }
        out["meta"] = [
            "resourceType": .string(r.kind.rawValue),
            "created": .string(r.created.iso8601),
            "lastModified": .string(r.lastModified.iso8601),
            "location": .string(location(r, baseURL)),
            "version": .string(r.etag),
        ]
        return hidingNeverReturned ? ResourceValidator.stripNeverReturned(out, schema: schema(r.kind)) : out
    }

    func location(_ r: StoredResource, _ baseURL: String) -> String { "\(baseURL)/\(r.kind.endpoint)/\(r.id)" }

    func display(of r: StoredResource) -> String? {
        if let d = r.attributes["displayName"]?.stringValue { return d }
        return r.attributes["userName"]?.stringValue
    }

    func memberIDs(_ group: StoredResource) -> [String] {
        (group.attributes["members"]?.arrayValue ?? []).compactMap { $0["value"]?.stringValue }
    }

    // MARK: - Writing

    /// POST (RFC 7644 §3.3). `id` is the new resource's id (the emulator makes UUIDs; seeding may choose).
    public mutating func create(_ kind: ResourceKind, body: JSONObject, id: String, now: SCIMDateTime) throws(SCIMError)
        -> StoredResource
    {
        guard resources[id.lowercased()] == nil else { throw .uniqueness("The id '\(id)' is already taken.") }
        var attributes = try ResourceValidator.validateForCreate(body, schema: schema(kind))
        try checkUnique(kind, attributes, except: nil)
        if kind == .group { try normalizeMembers(&attributes, groupID: id) }
        lastVersion += 1
        let r = StoredResource(
            id: id,
            kind: kind,
            attributes: attributes,
            created: now,
            lastModified: now,
            version: lastVersion
        )
        resources[id.lowercased()] = r
        order.append(id.lowercased())
        return r
    }

    /// PUT (RFC 7644 §3.5.1).
    public mutating func replace(
        _ kind: ResourceKind,
        id: String,
        body: JSONObject,
        ifMatch: String?,
        now: SCIMDateTime
    )
        throws(SCIMError) -> StoredResource
    {
        let current = try resource(kind, id: id)
        try check(ifMatch, current)
        let next = try ResourceValidator.validateForReplace(body, existing: current.attributes, schema: schema(kind))
        return try store(next, over: current, now: now)
    }

    /// PATCH (RFC 7644 §3.5.2), all operations or none.
    public mutating func patch(
        _ kind: ResourceKind,
        id: String,
        request: PatchRequest,
        ifMatch: String?,
        now: SCIMDateTime
    )
        throws(SCIMError) -> StoredResource
    {
        let current = try resource(kind, id: id)
        try check(ifMatch, current)
        // The engine sees `id` so that a client echoing it unchanged is not refused.
        var withID = current.attributes
        withID["id"] = .string(current.id)
        var patched = try PatchEngine.apply(request, to: withID, schema: schema(kind))
        patched.removeValue(forKey: "id")
        let next = try ResourceValidator.validateForReplace(patched, existing: current.attributes, schema: schema(kind))
        return try store(next, over: current, now: now)
    }

    /// DELETE (RFC 7644 §3.6); the resource also leaves every group it was a member of.
    public mutating func delete(_ kind: ResourceKind, id: String, ifMatch: String?, now: SCIMDateTime) throws(SCIMError)
    {
        let current = try resource(kind, id: id)
        try check(ifMatch, current)
        let key = current.id.lowercased()
        resources[key] = nil
        order.removeAll { $0 == key }
        for g in all(.group) where memberIDs(g).contains(where: { $0.lowercased() == key }) {
            var changed = g
            let kept = (g.attributes["members"]?.arrayValue ?? []).filter {
                $0["value"]?.stringValue?.lowercased() != key
            }
            if kept.isEmpty {
                changed.attributes.removeValue(forKey: "members")
            } else {
                changed.attributes["members"] = .array(kept)
            }
            lastVersion += 1
            changed.version = lastVersion
            changed.lastModified = now
            resources[g.id.lowercased()] = changed
        }
    }

    /// Forgets every resource.
    public mutating func removeAll() {
        resources = [:]
        order = []
    }

    private mutating func store(_ attributes: JSONObject, over current: StoredResource, now: SCIMDateTime)
        throws(SCIMError)
        -> StoredResource
    {
        var attributes = attributes
        try checkUnique(current.kind, attributes, except: current.id)
        if current.kind == .group { try normalizeMembers(&attributes, groupID: current.id) }
        var next = current
        next.attributes = attributes
        lastVersion += 1
        next.version = lastVersion
        next.lastModified = now
        resources[current.id.lowercased()] = next
        return next
    }

    // MARK: - Rules

    /// 412 when `If-Match` names another version (RFC 7644 §3.14).
    private func check(_ ifMatch: String?, _ current: StoredResource) throws(SCIMError) {
        if let ifMatch, !ETag.header(ifMatch, matches: current.etag) {
            throw .preconditionFailed("If-Match \(ifMatch) does not match the current version \(current.etag).")
        }
    }

    /// 409 when another resource of the kind has the same `userName` or group `displayName`, ignoring case.
    private func checkUnique(_ kind: ResourceKind, _ attributes: JSONObject, except id: String?) throws(SCIMError) {
        let attribute = kind == .user ? "userName" : "displayName"
        guard let name = attributes[attribute]?.stringValue else { return }
        let folded = FilterEvaluator.foldCase(name)
        let clash = all(kind).first { r in
            r.id != id && r.attributes[attribute]?.stringValue.map(FilterEvaluator.foldCase) == folded
        }
        if let clash {
            throw .uniqueness("A \(kind.rawValue) with \(attribute) '\(name)' already exists (id \(clash.id)).")
        }
    }

    /// Checks each member against the directory and keeps it as `{"value": id, "type": kind}`,
    /// without duplicates; 400 `invalidValue` for an unknown id, a wrong `type`, or the group itself.
    private func normalizeMembers(_ attributes: inout JSONObject, groupID: String) throws(SCIMError) {
        guard let members = attributes["members"]?.arrayValue else { return }
        var seen = Set<String>()
        var kept: [JSONValue] = []
        for m in members {
            guard let value = m["value"]?.stringValue else {
                throw .invalidValue("Every member needs a 'value': the id of a User or Group.")
            }
            guard let target = resources[value.lowercased()] else {
                throw .invalidValue("Member '\(value)' is neither a User nor a Group of this service provider.")
            }
            guard target.id.lowercased() != groupID.lowercased() else {
                throw .invalidValue("A group cannot be a member of itself.")
            }
            if let type = m["type"]?.stringValue, !caseInsensitiveEquals(type, target.kind.rawValue) {
                throw .invalidValue("Member '\(value)' is a \(target.kind.rawValue), not a \(type).")
            }
            guard seen.insert(target.id.lowercased()).inserted else { continue }
            kept.append(["value": .string(target.id), "type": .string(target.kind.rawValue)])
        }
        if kept.isEmpty { attributes.removeValue(forKey: "members") } else { attributes["members"] = .array(kept) }
    }
}
