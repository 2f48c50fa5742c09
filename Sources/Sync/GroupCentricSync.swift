package import Connectors
package import Logging
package import Membership
internal import SCIM
package import Store

/// Applies one outbox event to one group-centric target (generic SCIM, GitHub EMU, Slack): reads the
/// canonical state, the mapping and, where needed, the target; asks the planner; makes the calls;
/// records mappings, bridge-added memberships and audit entries. Every step is idempotent, so an
/// event delivered twice (after a crash) has the effect of once.
package struct GroupCentricSync: Sendable {
    package let target: String
    package let store: any SyncStore
    package let connector: any GroupCentricConnector
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
        connector: any GroupCentricConnector,
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
        guard let tid = try await users.upsert(id, channel) else { return try await followActivation(of: id, channel) }
        // First provisioned now (or joins left unfinished): join the linked groups the user belongs to,
        // which may have skipped it while the target refused it. An add of a present member succeeds,
        // so this is idempotent; until every join is made, a retry of this event makes them again.
        try await users.markJoinsPending(id, channel, true)
        for group in try await store.groups(ofMember: id, in: channel) {
            guard
                let m = try await store.mapping(target: target, channel: channel, kind: .group, canonicalID: group.id),
                m.origin != .creating, let gid = m.targetID
            else { continue }
            guard try await canHold(id, group: group.id, channel) else { continue }
            try await store.recordBridgeAdded(target: target, channel: channel, group: group.id, members: [id])
            let held: [String]
            do {
                held = try await addMembersKeepingOthers(gid, [tid], group: group.id, byTarget: [tid: id], channel)
            } catch {
                // Not added (or not known to be): the group's own membership event must not skip it.
                try await store.forgetBridgeAdded(target: target, channel: channel, group: group.id, members: [id])
                throw error
            }
            if held.isEmpty {
                try await store.forgetBridgeAdded(target: target, channel: channel, group: group.id, members: [id])
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
        if let m = try await store.mapping(target: target, channel: channel, kind: .group, canonicalID: id),
            m.origin != .creating
        {
            guard let tid = m.targetID else {
                // Blocked. Once the policy allows adoption (the administrator chose merge or overwrite), link it.
                guard m.origin == .blocked, try await policy(forGroup: id, channel) != .fail else { return }
                try await store.removeMapping(target: target, channel: channel, kind: .group, canonicalID: id)
                return try await link(id, name: name, channel)
            }
            if m.detail != name {
                try await connector.renameGroup(id: tid, displayName: name)
                var renamed = m
                renamed.detail = name
                try await store.setMapping(renamed)
            }
            return
        }
        try await link(id, name: name, channel)
    }

    /// First sight of a group on the target: create it or apply the collision policy.
    func link(_ id: String, name: String, _ channel: Channel) async throws {
        let canonicalMembers = try await store.members(ofGroup: id, in: channel).filter { $0.kind == .user }
        var targetMembers: [String] = []
        var byTarget: [String: String] = [:]
        for m in canonicalMembers {
            guard try await canHold(m.id, group: id, channel) else { continue }
            if let tid = try await users.ensureMember(m.id, ofGroup: id, channel) {
                targetMembers.append(tid)
                byTarget[tid] = m.id
            }
        }
        let key = "group:\(id)"
        let previous = try await store.mapping(target: target, channel: channel, kind: .group, canonicalID: id)
        if let previous, previous.origin == .creating, let existing = try await unfinishedCreation(previous) {
            // Finish it. The mapping changes last, so a failure here leaves the marker for the next attempt.
            let missing = targetMembers.filter { !existing.members.contains($0) }
            let refused = Set(missing).subtracting(
                try await addMembersKeepingOthers(existing.id, missing, group: id, byTarget: byTarget, channel)
            )
            targetMembers.removeAll { refused.contains($0) }
            if existing.displayName != name { try await connector.renameGroup(id: existing.id, displayName: name) }
            try await store.recordBridgeAdded(
                target: target,
                channel: channel,
                group: id,
                members: targetMembers.compactMap { byTarget[$0] }
            )
            try await store.setMapping(
                TargetMapping(
                    target: target,
                    channel: channel,
                    kind: .group,
                    canonicalID: id,
                    targetID: existing.id,
                    origin: .created,
                    detail: name
                )
            )
            return
        }
        let existing = try await connector.findGroups(displayName: name)
        // An adoption is recorded (audit entry, mapping) only after its member calls succeeded: until
        // then a retry links afresh, finds the same group and plans what is still missing, so a failed
        // call cannot leave `overwrite`'s foreign members in place behind a finished-looking mapping.
        var adoption: (targetID: String, origin: GroupOrigin, kept: [String], removed: [String])?
        let policy = existing.isEmpty ? policy : try await policy(forGroup: id, channel)
        for op in GroupCentricPlanner.link(
            displayName: name,
            sourceMembers: targetMembers,
            existing: existing,
            policy: policy
        ) {
            switch op {
            case .block(let reason):
                try await recordBlocked(group: id, named: name, reason: reason, channel: channel)
            case .createGroup(let displayName, let members):
                let externalId =
                    try await store.get(.group, id: id, in: channel)?.attributes["externalId"]?.stringValue ?? id
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
                let (tid, held) = try await createGroupKeepingMembers(
                    displayName: displayName,
                    externalId: externalId,
                    members: members,
                    group: id,
                    byTarget: byTarget,
                    channel
                )
                try await store.setMapping(
                    TargetMapping(
                        target: target,
                        channel: channel,
                        kind: .group,
                        canonicalID: id,
                        targetID: tid,
                        origin: .created,
                        detail: displayName
                    )
                )
                try await store.recordBridgeAdded(
                    target: target,
                    channel: channel,
                    group: id,
                    members: held.compactMap { byTarget[$0] }
                )
            case .adopt(let tid, let origin, let kept, let removed):
                adoption = (tid, origin, kept, removed)
            case .addMembers(let tid, let members):
                // Recorded before the call: a retry finds these members present and plans no add for
                // them, yet `merge` must still know they are the bridge's to remove later.
                try await store.recordBridgeAdded(
                    target: target,
                    channel: channel,
                    group: id,
                    members: members.compactMap { byTarget[$0] }
                )
                let refused = Set(members).subtracting(
                    try await addMembersKeepingOthers(tid, members, group: id, byTarget: byTarget, channel)
                )
                if !refused.isEmpty {
                    try await store.forgetBridgeAdded(
                        target: target,
                        channel: channel,
                        group: id,
                        members: refused.compactMap { byTarget[$0] }
                    )
                }
            case .removeMembers(let tid, let members):
                try await connector.removeMembers(groupID: tid, members: members)
            case .rename(let tid, let displayName):
                try await connector.renameGroup(id: tid, displayName: displayName)
            case .deleteGroup(let tid):
                try await brake.perform { try await connector.deleteGroup(id: tid) }
            }
        }
        if let adoption {
            try await store.appendAudit(
                target: target,
                channel: channel,
                action: "adopted (\(adoption.origin.rawValue))",
                resourceKey: key,
                detail: [
                    "targetGroupID": .string(adoption.targetID), "displayName": .string(name),
                    "membersKept": .array(adoption.kept.map(JSONValue.string)),
                    "membersRemoved": .array(adoption.removed.map(JSONValue.string)),
                ]
            )
            try await store.setMapping(
                TargetMapping(
                    target: target,
                    channel: channel,
                    kind: .group,
                    canonicalID: id,
                    targetID: adoption.targetID,
                    origin: MappingOrigin(adoption.origin),
                    detail: name
                )
            )
        }
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
        let bridgeAdded = try await store.bridgeAddedMembers(target: target, channel: channel, group: id)
        var addedTarget: [String] = []
        var addedCanonical: [String] = []
        // A member the bridge already added (typically by the link that read this very change, since a
        // group created with members emits both events) needs no second call.
        for member in added where !bridgeAdded.contains(member) {
            guard try await canHold(member, group: id, channel) else { continue }
            // Members that are groups are not provisioned as members on group-centric SCIM targets.
            if let t = try await users.ensureMember(member, ofGroup: id, channel) {
                addedTarget.append(t)
                addedCanonical.append(member)
            }
        }
        // The planner decides which removals the bridge may make (under `merge`, only of members it
        // added); it is told every removed member the target knows and which of them the bridge added.
        var removedTarget: [String] = []
        var removedCanonical: [String] = []
        var bridgeAddedTarget: Set<String> = []
        for member in removed {
            if let um = try await store.mapping(target: target, channel: channel, kind: .user, canonicalID: member),
                let t = um.targetID
            {
                removedTarget.append(t)
                removedCanonical.append(member)
                if bridgeAdded.contains(member) { bridgeAddedTarget.insert(t) }
            }
        }
        for op in GroupCentricPlanner.delta(
            targetID: tid,
            origin: origin,
            added: addedTarget,
            removed: removedTarget,
            bridgeAdded: bridgeAddedTarget
        ) {
            switch op {
            case .addMembers(_, let members):
                let byTarget = Dictionary(zip(addedTarget, addedCanonical), uniquingKeysWith: { a, _ in a })
                let held = try await addMembersKeepingOthers(tid, members, group: id, byTarget: byTarget, channel)
                try await store.recordBridgeAdded(
                    target: target,
                    channel: channel,
                    group: id,
                    members: held.compactMap { byTarget[$0] }
                )
            case .removeMembers(_, let members):
                try await connector.removeMembers(groupID: tid, members: members)
                try await store.forgetBridgeAdded(
                    target: target,
                    channel: channel,
                    group: id,
                    members: removedCanonical
                )
            case .createGroup, .adopt, .rename, .deleteGroup, .block:
                break  // `delta` plans member calls only
            }
        }
    }

    /// The group of an interrupted creation of our own: by its id once known, else by the name it was
    /// created with (the source may have renamed the group since). The id is recorded as soon as it is
    /// found, so that a lost answer on the rename that finishes the creation cannot turn the bridge's
    /// own group into a stranger with a new name.
    func unfinishedCreation(_ m: TargetMapping) async throws -> GroupCentricPlanner.TargetGroup? {
        if let tid = m.targetID { return try await connector.group(id: tid) }
        // Several same-named groups: which one is the bridge's is unknown; linking blocks the group.
        guard let createdAs = m.detail, let found = try await connector.findGroups(displayName: createdAs).only
        else { return nil }
        var known = m
        known.targetID = found.id
        try await store.setMapping(known)
        return found
    }

    /// A target refusing a member it does not know (yet, or any more: a deletion of the user may be in
    /// flight under the user's key) is retried, not dead-lettered: on retry the member is re-resolved.
    func addMembersRetryingInvisible(_ groupID: String, _ members: [String]) async throws {
        do {
            try await connector.addMembers(groupID: groupID, members: members)
        } catch TargetError.permanent(let status, let detail) where status == 400 || status == 404 {
            throw TargetError.retryable(detail: "member not visible on the target: \(detail)", after: nil)
        }
    }

    func deleteGroup(_ id: String, _ channel: Channel) async throws {
        guard var m = try await store.mapping(target: target, channel: channel, kind: .group, canonicalID: id) else {
            return
        }
        if m.origin == .creating, let found = try await unfinishedCreation(m) {
            // Deleted while its creation was interrupted: the group found is the bridge's own.
            m.targetID = found.id
            m.origin = MappingOrigin.created
        }
        if let tid = m.targetID, let origin = m.origin.group {
            let bridgeAdded = try await store.bridgeAddedMembers(target: target, channel: channel, group: id)
            var addedTarget: [String] = []
            for member in bridgeAdded {
                if let um = try await store.mapping(target: target, channel: channel, kind: .user, canonicalID: member),
                    let t = um.targetID
                {
                    addedTarget.append(t)
                }
            }
            for op in GroupCentricPlanner.unlink(targetID: tid, origin: origin, bridgeAdded: Set(addedTarget)) {
                switch op {
                case .deleteGroup: try await brake.perform { try await connector.deleteGroup(id: tid) }
                case .removeMembers(_, let members): try await connector.removeMembers(groupID: tid, members: members)
                case .createGroup, .adopt, .rename, .addMembers, .block: break  // `unlink` plans none of these
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
