package import Connectors
package import Membership
internal import SCIM
package import Store

/// The user half of both projections: provision a user on the target before anything needs it,
/// replace it when it changes, deprovision it when it goes. Idempotent: users are looked up by their
/// match key before they are created.
package struct UserProvisioning: Sendable {
    package let target: String
    package let store: any SyncStore
    package let directory: any TargetUserDirectory
    package let removal: UserRemoval
    /// Which users the target receives (`scope.users`, `scope.userFilter`).
    package let scope: TargetScope
    /// The target's brake on mass deprovisioning (`safety.maxDeprovisions`); nil: none.
    package let brake: DeprovisionGate?

    package init(
        target: String,
        store: any SyncStore,
        directory: any TargetUserDirectory,
        removal: UserRemoval,
        scope: TargetScope = .everything,
        brake: DeprovisionGate? = nil
    ) {
        self.target = target
        self.store = store
        self.directory = directory
        self.removal = removal
        self.scope = scope
        self.brake = brake
    }

    /// The target id of a canonical user, provisioning it first if the target does not have it yet
    /// (a member must exist before a membership that needs it). nil if the user no longer exists.
    @discardableResult
    package func ensure(_ id: String, _ channel: Channel) async throws -> String? {
        if let m = try await store.mapping(target: target, channel: channel, kind: .user, canonicalID: id) {
            // Deprovisioned: the user is gone at the source, a late membership event must not bring it back.
            if m.origin == .deprovisioned { return nil }
            if let tid = m.targetID { return tid }
        }
        guard let user = try await store.get(.user, id: id, in: channel) else { return nil }
        guard let key = directory.matchKey(of: user.attributes) else { return nil }
        // Look up before create: a retried event, or a user the target already had, is found, not duplicated.
        let tid: String
        if let found = try await directory.findUser(matchKey: key) {
            tid = found
            _ = try await directory.replaceUser(id: found, user.attributes)
        } else {
            // Marked before the call, with the match key: if the answer is lost and the user is deleted
            // at the source before a retry, `delete` can still find what this call created.
            try await store.setMapping(
                TargetMapping(
                    target: target,
                    channel: channel,
                    kind: .user,
                    canonicalID: id,
                    targetID: nil,
                    origin: .creating,
                    detail: key
                )
            )
            do {
                tid = try await directory.createUser(user.attributes)
            } catch let error as TargetError {
                // Refused outright: nothing was created, so there is nothing to mark.
                if case .permanent = error {
                    try await store.removeMapping(target: target, channel: channel, kind: .user, canonicalID: id)
                }
                throw error
            }
        }
        try await store.setMapping(
            TargetMapping(
                target: target,
                channel: channel,
                kind: .user,
                canonicalID: id,
                targetID: tid,
                origin: .created
            )
        )
        return tid
    }

    /// The target id of a group's member, provisioned first if needed, or nil when the target refuses
    /// this user for a reason of its own (`400`, `409`, `422`: a username taken elsewhere, a value the
    /// target rejects). The group goes on without the member and the skip is audited; the user's own
    /// event fails (and is dead-lettered) with the same error, and once it succeeds the membership
    /// follows (`upsert` reports the first provisioning to its caller). Any other failure still fails
    /// the group's event: a refused token would otherwise link every group empty.
    package func ensureMember(_ id: String, ofGroup group: String, _ channel: Channel) async throws -> String? {
        if scope.userFilter != nil, let user = try await store.get(.user, id: id, in: channel),
            !scope.admits(user: user.attributes)
        {
            try await store.appendAudit(
                target: target,
                channel: channel,
                action: "member skipped: out of scope",
                resourceKey: "group:\(group)",
                detail: ["user": .string(id), "userFilter": .string(scope.userFilter?.text ?? "")]
            )
            return nil
        }
        do {
            return try await ensure(id, channel)
        } catch TargetError.permanent(let status, let detail) where Self.refusesTheUser(status) {
            try await store.appendAudit(
                target: target,
                channel: channel,
                action: "member skipped",
                resourceKey: "group:\(group)",
                detail: ["user": .string(id), "status": .integer(Int64(status)), "reason": .string(detail)]
            )
            return nil
        }
    }

    /// Statuses that say "not this user" rather than "not this request" or "not you".
    package static func refusesTheUser(_ status: Int) -> Bool { status == 400 || status == 409 || status == 422 }

    /// A created or changed user: replaced on the target, or provisioned if the target lost it or
    /// never had it. Returns the user's target id when this call provisioned it, so that the caller can
    /// add the memberships a group's link had to skip; nil when the user was only replaced (or is gone).
    @discardableResult
    package func upsert(_ id: String, _ channel: Channel) async throws -> String? {
        guard let user = try await store.get(.user, id: id, in: channel) else { return nil }
        guard try await receives(id, channel) else {
            try await leaveScopeIfOut([id], channel)
            return nil
        }
        if let m = try await store.mapping(target: target, channel: channel, kind: .user, canonicalID: id),
            let tid = m.targetID
        {
            // Joins of its groups left unfinished (`markJoinsPending`) are made again by the caller.
            if try await directory.replaceUser(id: tid, user.attributes) {
                return m.detail == Self.joinsPending ? tid : nil
            }
            // The target lost it: forget the mapping and provision again.
            try await store.removeMapping(target: target, channel: channel, kind: .user, canonicalID: id)
        }
        return try await ensure(id, channel)
    }

    /// The mark (in a provisioned user's mapping `detail`) of joins of its linked groups not all made.
    static let joinsPending = "joins pending"

    /// Marks (or clears) a provisioned user's unfinished joins, so that a retried upsert makes them.
    func markJoinsPending(_ id: String, _ channel: Channel, _ pending: Bool) async throws {
        guard var m = try await store.mapping(target: target, channel: channel, kind: .user, canonicalID: id),
            m.targetID != nil, m.origin == .created, (m.detail == Self.joinsPending) != pending
        else { return }
        m.detail = pending ? Self.joinsPending : nil
        try await store.setMapping(m)
    }

    /// A deleted user: disabled or deleted on the target, as configured.
    package func delete(_ id: String, _ channel: Channel) async throws {
        guard var m = try await store.mapping(target: target, channel: channel, kind: .user, canonicalID: id) else {
            return
        }
        if m.targetID == nil, m.origin == .creating, let key = m.detail {
            // Deleted while its creation was unanswered: the user the target has under the key is the
            // bridge's own. None there: the creation never happened.
            guard let found = try await directory.findUser(matchKey: key) else {
                return try await store.removeMapping(target: target, channel: channel, kind: .user, canonicalID: id)
            }
            m.targetID = found
        }
        guard let tid = m.targetID else { return }
        try await brake.perform { try await directory.removeUser(id: tid, action: removal) }
        // The mapping stays (marked) so that the membership removals of the same deletion, which travel
        // under the groups' keys and may run later, still find the user's target id.
        // A user still at the source left the scope: forgetting the mapping lets it come back (found
        // by its match key) when it enters the scope again.
        if try await store.get(.user, id: id, in: channel) != nil {
            return try await store.removeMapping(target: target, channel: channel, kind: .user, canonicalID: id)
        }
        var gone = m
        gone.origin = .deprovisioned
        gone.detail = nil
        try await store.setMapping(gone)
    }

    /// Whether the target receives the user: it passes `scope.userFilter` and, under `users:
    /// groupMembers`, is a direct member of an in-scope group. A user gone from the source is not received.
    func receives(_ id: String, _ channel: Channel) async throws -> Bool {
        try await scope.receives(user: id, channel, store)
    }

    /// The users of `all` (a channel's) the target receives, for a reconciliation's plan: the in-scope
    /// groups' members are read once.
    func received(_ all: [StoredResource], _ channel: Channel) async throws -> [StoredResource] {
        guard scope.restrictsUsers else { return all }
        var members: Set<String>? = nil
        if scope.users == .groupMembers {
            var ids: Set<String> = []
            for group in try await store.allResources(.group, channel) where scope.includes(group: group.attributes) {
                for m in try await store.members(ofGroup: group.id, in: channel) where m.kind == .user {
                    ids.insert(m.id)
                }
            }
            members = ids
        }
        return all.filter { user in
            scope.admits(user: user.attributes) && (members?.contains(user.id) ?? true)
        }
    }

    /// Of `ids` (users who may just have left the scope: removed from a group, or members of a group
    /// that left it), those the target no longer receives get the target's removal action, audited.
    func leaveScopeIfOut(_ ids: [String], _ channel: Channel) async throws {
        guard scope.restrictsUsers else { return }
        for id in ids {
            guard try await !receives(id, channel),
                let m = try await store.mapping(target: target, channel: channel, kind: .user, canonicalID: id),
                m.origin != .deprovisioned
            else { continue }
            try await delete(id, channel)
            try await store.appendAudit(
                target: target,
                channel: channel,
                action: "user deprovisioned: out of scope",
                resourceKey: "user:\(id)",
                detail: ["targetId": m.targetID.map(JSONValue.string) ?? .null, "removal": .string(removal.rawValue)]
            )
        }
    }
}
