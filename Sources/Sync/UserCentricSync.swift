package import Connectors
package import Logging
package import Membership
internal import SCIM
package import Store

/// Applies one outbox event to one user-centric target (Google Workspace, Salesforce): the same
/// mappings, bridge-added tracking and audit entries as `GroupCentricSync`, with memberships written
/// one (user, group) pair per call. Every step is idempotent, so an event delivered twice (after a
/// crash or a failed call) has the effect of once.
///
/// A link (create or adopt, then one insert per member) takes many calls, any of which may fail. The
/// group's mapping is written as soon as the group exists on the target, with no `detail` while the
/// link is unfinished; the next event of the group finishes it from the target's actual members, so a
/// retried link never meets its own group as a name collision. Before the group is created the mapping
/// is marked `creating` (as in `GroupCentricSync`), so a retry after a lost answer to the creation also
/// knows the same-named group for its own. Under `merge`, each planned insert is recorded as
/// bridge-added before it is sent, so that a resumed link still knows which members are its own.
package struct UserCentricSync: Sendable {
    package let target: String
    package let store: any SyncStore
    package let connector: any UserCentricConnector
    package let policy: CollisionPolicy
    package let userRemoval: UserRemoval
    /// The groups this target receives (`scope:`); the others are never linked, and one that leaves
    /// the scope is unlinked as its deletion would be.
    package let scope: TargetScope
    /// How this target's view of a user differs from the canonical user (`mapping.user`).
    package let mapping: AttributeMapping
    /// How this target names a group (`mapping.group.displayName`).
    package let groupMapping: AttributeMapping
    /// The brake on mass deprovisioning (`safety.maxDeprovisions`), shared with the target's worker; nil: none.
    package let brake: DeprovisionGate?
    package let logger: Logger

    package init(
        target: String,
        store: any SyncStore,
        connector: any UserCentricConnector,
        policy: CollisionPolicy,
        userRemoval: UserRemoval,
        scope: TargetScope = .everything,
        mapping: AttributeMapping = .none,
        groupMapping: AttributeMapping = .none,
        brake: DeprovisionGate? = nil,
        logger: Logger
    ) {
        self.target = target
        self.store = store
        self.connector = connector
        self.policy = policy
        self.userRemoval = userRemoval
        self.scope = scope
        self.mapping = mapping
        self.groupMapping = groupMapping
        self.brake = brake
        self.logger = logger
    }

    // MARK: - Users

    /// The target's users, seen through its attribute mappings.
    package var userDirectory: any TargetUserDirectory { connector.mapped(mapping) }

    var users: UserProvisioning {
        UserProvisioning(
            target: target,
            store: store,
            directory: userDirectory,
            removal: userRemoval,
            scope: scope,
            brake: brake
        )
    }

    func upsertUser(_ id: String, _ channel: Channel) async throws {
        guard let tid = try await users.upsert(id, channel) else { return }
        // First provisioned now (or joins left unfinished): join the linked groups the user belongs to,
        // which may have skipped it while the target refused it; until every join is made, a retry of
        // this event makes them again. An unfinished link is left to `resume`, which reads all members.
        try await users.markJoinsPending(id, channel, true)
        for group in try await store.groups(ofMember: id, in: channel) {
            guard
                let m = try await store.mapping(target: target, channel: channel, kind: .group, canonicalID: group.id),
                let gid = m.targetID, m.detail != nil, m.origin.group != nil
            else { continue }
            // As in `changeMembers`: only a membership this call created is the bridge's.
            if try await insert(user: tid, group: gid) {
                try await store.recordBridgeAdded(target: target, channel: channel, group: group.id, members: [id])
            }
        }
        try await users.markJoinsPending(id, channel, false)
    }

    func deleteUser(_ id: String, _ channel: Channel) async throws { try await users.delete(id, channel) }

    // MARK: - Groups

    func upsertGroup(_ id: String, _ channel: Channel) async throws {
        guard let group = try await store.get(.group, id: id, in: channel),
            let name = targetName(of: group.attributes)
        else { return }
        guard scope.includes(group: group.attributes) else { return try await leaveScope(id, channel) }
        guard let m = try await store.mapping(target: target, channel: channel, kind: .group, canonicalID: id),
            m.origin != .creating
        else {
            return try await link(id, name: name, channel)
        }
        guard let tid = m.targetID, let origin = m.origin.group else {
            // Blocked. Once the policy allows adoption (the administrator chose merge or overwrite), link it.
            guard m.origin == .blocked, try await policy(forGroup: id, channel) != .fail else { return }
            try await store.removeMapping(target: target, channel: channel, kind: .group, canonicalID: id)
            return try await link(id, name: name, channel)
        }
        guard let synced = m.detail else {
            return try await resume(id, m, groupID: tid, origin: origin, name: name, channel)
        }
        if synced != name {
            try await connector.renameGroup(id: tid, displayName: name)
            var renamed = m
            renamed.detail = name
            try await store.setMapping(renamed)
        }
    }

    /// The canonical user members of a group with their target ids, provisioning those the target lacks.
    func sourceMembers(_ id: String, _ channel: Channel) async throws -> (
        targetIDs: [String], canonical: [String: String]
    ) {
        var targetIDs: [String] = []
        var canonical: [String: String] = [:]
        for m in try await store.members(ofGroup: id, in: channel) where m.kind == .user {
            if let tid = try await users.ensureMember(m.id, ofGroup: id, channel) {
                targetIDs.append(tid)
                canonical[tid] = m.id
            }
        }
        return (targetIDs, canonical)
    }

    /// First sight of a group on the target: create it or apply the collision policy, then insert the
    /// memberships one by one. The mapping is marked finished (`detail` = the name) only at the end.
    func link(_ id: String, name: String, _ channel: Channel) async throws {
        let (members, byTarget) = try await sourceMembers(id, channel)
        let previous = try await store.mapping(target: target, channel: channel, kind: .group, canonicalID: id)
        // Our own creation, whose answer was lost, is looked up by the name it was created with (the
        // source may have renamed the group since): not a name collision. Record it as created (still
        // unfinished) and let `resume` rename it and insert the members from what it actually holds.
        if previous?.origin == .creating,
            let existing = try await connector.findGroup(displayName: previous?.detail ?? name)
        {
            let created = TargetMapping(
                target: target,
                channel: channel,
                kind: .group,
                canonicalID: id,
                targetID: existing.id,
                origin: .created
            )
            try await store.setMapping(created)
            return try await resume(id, created, groupID: existing.id, origin: .created, name: name, channel)
        }
        let existing = try await connector.findGroup(displayName: name)
        let policy = existing == nil ? policy : try await policy(forGroup: id, channel)
        // A collision under `fail` blocks without reading the other group's members.
        var existingMembers: Set<String> = []
        if let existing, policy != .fail { existingMembers = try await connector.members(ofGroup: existing.id) }
        let key = "group:\(id)"
        let ops = UserCentricPlanner.link(
            displayName: name,
            sourceMembers: members,
            existing: existing,
            existingMembers: existingMembers,
            policy: policy
        )
        var linked: TargetMapping?
        for op in ops {
            switch op {
            case .block(let reason):
                try await recordBlocked(group: id, named: name, reason: reason, channel: channel)
            case .createGroup(let displayName, let initial):
                let externalId =
                    try await store.get(.group, id: id, in: channel)?.attributes["externalId"]?.stringValue ?? id
                // Marked before the call: if its answer is lost, the retry that finds a same-named group
                // knows it is the bridge's own (see `MappingOrigin.creating`).
                try await store.setMapping(
                    TargetMapping(
                        target: target,
                        channel: channel,
                        kind: .group,
                        canonicalID: id,
                        targetID: nil,
                        origin: .creating,
                        detail: displayName
                    )
                )
                let tid = try await connector.createGroup(displayName: displayName, externalId: externalId)
                let mapping = TargetMapping(
                    target: target,
                    channel: channel,
                    kind: .group,
                    canonicalID: id,
                    targetID: tid,
                    origin: .created
                )
                try await store.setMapping(mapping)
                linked = mapping
                try await store.recordBridgeAdded(
                    target: target,
                    channel: channel,
                    group: id,
                    members: initial.compactMap { byTarget[$0] }
                )
                for user in initial { try await insert(user: user, group: tid) }
            case .adopt(let tid, let origin, let kept, let removed):
                try await store.appendAudit(
                    target: target,
                    channel: channel,
                    action: "adopted (\(origin.rawValue))",
                    resourceKey: key,
                    detail: [
                        "targetGroupID": .string(tid), "displayName": .string(name),
                        "membersKept": .array(kept.map(JSONValue.string)),
                        "membersRemoved": .array(removed.map(JSONValue.string)),
                    ]
                )
                let mapping = TargetMapping(
                    target: target,
                    channel: channel,
                    kind: .group,
                    canonicalID: id,
                    targetID: tid,
                    origin: MappingOrigin(origin)
                )
                try await store.setMapping(mapping)
                linked = mapping
                let planned = ops.compactMap { op -> String? in
                    if case .insert(let u, _) = op { byTarget[u] } else { nil }
                }
                try await store.recordBridgeAdded(target: target, channel: channel, group: id, members: planned)
            case .insert(let user, let group):
                try await insert(user: user, group: group)
            case .delete(let user, let group):
                try await connector.removeMembership(user: user, group: group)
            case .rename(let tid, let displayName):
                try await connector.renameGroup(id: tid, displayName: displayName)
            case .deleteGroup(let tid):
                try await brake.perform { try await connector.deleteGroup(id: tid) }
            }
        }
        if var finished = linked {
            finished.detail = name
            try await store.setMapping(finished)
        }
    }

    /// Finishes a link interrupted after the group was created or adopted: from the group's actual
    /// members, insert the missing source members and (when the bridge owns the membership) delete the rest.
    func resume(
        _ id: String,
        _ m: TargetMapping,
        groupID tid: String,
        origin: GroupOrigin,
        name: String,
        _ channel: Channel
    ) async throws {
        // The source may have been renamed since; the target keeps the name it was created or found with.
        if origin == .created { try await connector.renameGroup(id: tid, displayName: name) }
        let (members, byTarget) = try await sourceMembers(id, channel)
        let actual = try await connector.members(ofGroup: tid)
        let ops = UserCentricPlanner.resume(groupID: tid, origin: origin, sourceMembers: members, actual: actual)
        let planned = ops.compactMap { op -> String? in if case .insert(let u, _) = op { byTarget[u] } else { nil } }
        try await store.recordBridgeAdded(target: target, channel: channel, group: id, members: planned)
        for op in ops {
            switch op {
            case .insert(let user, let group): try await insert(user: user, group: group)
            case .delete(let user, let group): try await connector.removeMembership(user: user, group: group)
            case .createGroup, .adopt, .rename, .deleteGroup, .block: break  // `resume` plans member calls only
            }
        }
        var finished = m
        finished.detail = name
        try await store.setMapping(finished)
    }

    func changeMembers(_ id: String, _ added: [String], _ removed: [String], _ channel: Channel) async throws {
        guard let m = try await store.mapping(target: target, channel: channel, kind: .group, canonicalID: id),
            m.origin != .creating
        else {
            // Not linked yet (or its creation was interrupted): linking reads the current members,
            // which include this change.
            guard let group = try await store.get(.group, id: id, in: channel),
                let name = targetName(of: group.attributes), scope.includes(group: group.attributes)
            else {
                return
            }
            return try await link(id, name: name, channel)
        }
        guard let tid = m.targetID, let origin = m.origin.group else { return }  // blocked
        var adds = added
        if m.detail == nil,
            let stored = try await store.get(.group, id: id, in: channel), let name = targetName(of: stored.attributes)
        {
            // An unfinished link: finishing it brings in every current member, this change's additions included.
            try await resume(id, m, groupID: tid, origin: origin, name: name, channel)
            adds = []
        }
        var addedTarget: [String] = []
        var addedCanonical: [String] = []
        for member in adds {
            // Members that are groups are not provisioned as members.
            if let t = try await users.ensureMember(member, ofGroup: id, channel) {
                addedTarget.append(t)
                addedCanonical.append(member)
            }
        }
        let bridgeAdded = try await store.bridgeAddedMembers(target: target, channel: channel, group: id)
        var removedTarget: [String] = []
        var bridgeAddedTarget: Set<String> = []
        var canonicalOf: [String: String] = [:]
        for member in removed {
            guard let um = try await store.mapping(target: target, channel: channel, kind: .user, canonicalID: member),
                let t = um.targetID
            else {
                continue
            }
            removedTarget.append(t)
            canonicalOf[t] = member
            if bridgeAdded.contains(member) { bridgeAddedTarget.insert(t) }
        }
        let ops = UserCentricPlanner.delta(
            groupID: tid,
            origin: origin,
            added: addedTarget,
            removed: removedTarget,
            bridgeAdded: bridgeAddedTarget
        )
        let addedByTarget = Dictionary(zip(addedTarget, addedCanonical), uniquingKeysWith: { a, _ in a })
        var forgotten: [String] = []
        for op in ops {
            switch op {
            case .insert(let user, let group):
                // Only a membership this call created is the bridge's: under `merge`, one the user already
                // had on the target (409) stays someone else's, and a later removal leaves it alone.
                if try await insert(user: user, group: group), let c = addedByTarget[user] {
                    try await store.recordBridgeAdded(target: target, channel: channel, group: id, members: [c])
                }
            case .delete(let user, let group):
                try await connector.removeMembership(user: user, group: group)
                if let c = canonicalOf[user] { forgotten.append(c) }
            case .createGroup, .adopt, .rename, .deleteGroup, .block: break  // `delta` plans member calls only
            }
        }
        if !forgotten.isEmpty {
            try await store.forgetBridgeAdded(target: target, channel: channel, group: id, members: forgotten)
        }
    }

    /// A target refusing a member it does not know (yet, or any more: a deletion of the user may be in
    /// flight under the user's key) is retried, not dead-lettered: on retry the member is re-resolved.
    @discardableResult
    func insert(user: String, group: String) async throws -> Bool {
        do {
            return try await connector.addMembership(user: user, group: group)
        } catch TargetError.permanent(let status, let detail) where status == 400 || status == 404 {
            throw TargetError.retryable(detail: "member not visible on the target: \(detail)", after: nil)
        }
    }

    func deleteGroup(_ id: String, _ channel: Channel) async throws {
        guard var m = try await store.mapping(target: target, channel: channel, kind: .group, canonicalID: id) else {
            return
        }
        if m.origin == .creating, let name = m.detail, let found = try await connector.findGroup(displayName: name) {
            // Deleted while its creation was interrupted: the same-named group is the bridge's own.
            m.targetID = found.id
            m.origin = MappingOrigin.created
        }
        if let tid = m.targetID, let origin = m.origin.group {
            let bridgeAdded = try await store.bridgeAddedMembers(target: target, channel: channel, group: id)
            var addedTarget: Set<String> = []
            for member in bridgeAdded {
                if let um = try await store.mapping(target: target, channel: channel, kind: .user, canonicalID: member),
                    let t = um.targetID
                {
                    addedTarget.insert(t)
                }
            }
            for op in UserCentricPlanner.unlink(groupID: tid, origin: origin, bridgeAdded: addedTarget) {
                switch op {
                case .deleteGroup: try await brake.perform { try await connector.deleteGroup(id: tid) }
                case .delete(let user, let group): try await connector.removeMembership(user: user, group: group)
                case .createGroup, .adopt, .rename, .insert, .block: break  // `unlink` plans none of these
                }
            }
            if origin == .adoptedMerge {
                try await store.appendAudit(
                    target: target,
                    channel: channel,
                    action: "unlinked (merge: group kept)",
                    resourceKey: "group:\(id)",
                    detail: [
                        "targetGroupID": .string(tid),
                        "membersRemoved": .array(addedTarget.sorted().map(JSONValue.string)),
                    ]
                )
            }
        }
        try await store.forgetBridgeAdded(target: target, channel: channel, group: id, members: nil)
        try await store.removeMapping(target: target, channel: channel, kind: .group, canonicalID: id)
    }
}
