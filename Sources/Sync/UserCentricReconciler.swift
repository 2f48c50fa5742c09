package import Connectors
package import Membership
internal import SCIM
package import Store

/// Reconciliation for targets that keep memberships on the user (Google Workspace, Salesforce): reads
/// the target's users, groups and the members of each linked group, diffs them against the canonical
/// model and plans (or executes) one call per repair, as `Reconciler` does for group-centric targets.
package struct UserCentricReconciler: TargetReconciler {
    package let sync: UserCentricSync

    package init(sync: UserCentricSync) { self.sync = sync }

    package var target: String { sync.target }
    package var store: any SyncStore { sync.store }

    /// One repair call, with the canonical resource it serves.
    package enum Step: ReconcileStep, Hashable {
        /// Creation, update (the account differs) or removal of a user (`UserStep`).
        case user(UserStep)
        case linkGroup(channel: String, id: String, displayName: String, policy: CollisionPolicy, collides: Bool)
        /// A linked group outside the target's `scope`: unlinked as its deletion would be.
        case unlinkGroup(channel: String, id: String, targetID: String, displayName: String, origin: GroupOrigin)
        case renameGroup(channel: String, id: String, targetID: String, from: String, to: String)
        case insertMember(channel: String, id: String, targetID: String, displayName: String, user: String)
        case deleteMember(channel: String, id: String, targetID: String, displayName: String, user: String)

        package var description: String {
            switch self {
            case .user(.create(_, _, let userName)): return "create user \(userName)"
            case .user(.repair(_, _, let tid, let userName, let differences)):
                return "update user \(userName) (\(tid)): " + differences.map(\.description).joined(separator: ", ")
            case .user(.deprovision(_, _, let tid, let userName, let removal)):
                return
                    "\(removal == .disable ? "suspend" : "delete") user \(userName) (\(tid)) again: deleted at the source, active on the target"
            case .linkGroup(_, _, let name, let policy, let collides):
                return collides
                    ? "link existing group \"\(name)\" under onNameCollision=\(policy.rawValue)"
                    : "create group \"\(name)\""
            case .unlinkGroup(_, _, let tid, let name, let origin):
                return origin.ownsAllMembers
                    ? "delete group \(tid) (\(name)): out of scope"
                    : "delete the bridge's members of group \(tid) (\(name)): out of scope"
            case .renameGroup(_, _, let tid, let from, let to): return "rename group \(tid) \"\(from)\" -> \"\(to)\""
            case .insertMember(_, _, let tid, let name, let user):
                return "insert member \(user) into group \(tid) (\(name))"
            case .deleteMember(_, _, let tid, let name, let user):
                return "delete member \(user) from group \(tid) (\(name))"
            }
        }

        package var resourceKey: String {
            switch self {
            case .user(let step): return step.resourceKey
            case .linkGroup(_, let id, _, _, _), .unlinkGroup(_, let id, _, _, _), .renameGroup(_, let id, _, _, _),
                .insertMember(_, let id, _, _, _),
                .deleteMember(_, let id, _, _, _):
                return "group:\(id)"
            }
        }

        package var deprovisions: Bool {
            switch self {
            case .user(let step): step.deprovisions
            case .unlinkGroup(_, _, _, _, let origin): origin.ownsAllMembers
            case .linkGroup, .renameGroup, .insertMember, .deleteMember: false
            }
        }

        package var channel: String {
            switch self {
            case .user(let step): return step.channel
            case .linkGroup(let c, _, _, _, _), .unlinkGroup(let c, _, _, _, _), .renameGroup(let c, _, _, _, _),
                .insertMember(let c, _, _, _, _),
                .deleteMember(let c, _, _, _, _):
                return c
            }
        }
    }

    package func plan(channels: [Channel]) async throws -> (steps: [Step], blocked: [String]) {
        let connector = sync.connector
        let survey = try await UserSurvey(
            directory: sync.userDirectory,
            store: store,
            target: target,
            removal: sync.userRemoval
        )
        var nameByID: [String: String] = [:]
        var names: Set<String> = []
        for g in try await connector.listGroups() {
            nameByID[g.id] = g.name
            names.insert(FilterEvaluator.foldCase(g.name))
        }
        var steps: [Step] = []
        var blocked: [String] = []
        for channel in channels {
            let received = try await sync.users.received(try await store.allResources(.user, channel), channel)
            let (users, userSteps) = survey.steps(received, in: channel)
            steps += userSteps.map(Step.user)
            let canonicalToTarget = users.targetIDs
            for group in try await store.allResources(.group, channel) {
                guard let name = sync.targetName(of: group.attributes) else { continue }
                let mapping = try await store.mapping(
                    target: target,
                    channel: channel,
                    kind: .group,
                    canonicalID: group.id
                )
                // Outside the target's scope: unlinked if the bridge linked it, never linked otherwise.
                if case .outOfScope(let linked) = sync.scope.place(of: group, mapping) {
                    if let linked {
                        steps.append(
                            .unlinkGroup(
                                channel: channel.name,
                                id: group.id,
                                targetID: linked.targetID,
                                displayName: name,
                                origin: linked.origin
                            )
                        )
                    }
                    continue
                }
                // A group blocked under `fail` is linked by the plan once the policy allows adoption.
                if mapping?.origin == .blocked, try await sync.policy(forGroup: group.id, channel) == .fail {
                    blocked.append("\(channel.name)/\(name): \(mapping?.detail ?? "blocked")")
                    continue
                }
                guard let mapping, let tid = mapping.targetID, let origin = mapping.origin.group,
                    let actualName = nameByID[tid]
                else {
                    let collides = names.contains(FilterEvaluator.foldCase(name))
                    steps.append(
                        .linkGroup(
                            channel: channel.name,
                            id: group.id,
                            displayName: name,
                            policy: collides ? try await sync.policy(forGroup: group.id, channel) : sync.policy,
                            collides: collides
                        )
                    )
                    continue
                }
                if actualName != name {
                    steps.append(
                        .renameGroup(channel: channel.name, id: group.id, targetID: tid, from: actualName, to: name)
                    )
                }
                let members = try await store.members(ofGroup: group.id, in: channel).filter { $0.kind == .user }
                let source = Set(members.compactMap { canonicalToTarget[$0.id] })
                let bridgeAdded = Set(
                    try await store.bridgeAddedMembers(target: target, channel: channel, group: group.id).compactMap {
                        canonicalToTarget[$0]
                    }
                )
                let actual = try await connector.members(ofGroup: tid)
                for op in UserCentricPlanner.reconcile(
                    groupID: tid,
                    origin: origin,
                    sourceMembers: source,
                    actual: actual,
                    bridgeAdded: bridgeAdded
                ) {
                    switch op {
                    case .insert(let user, _):
                        steps.append(
                            .insertMember(
                                channel: channel.name,
                                id: group.id,
                                targetID: tid,
                                displayName: name,
                                user: user
                            )
                        )
                    case .delete(let user, _):
                        steps.append(
                            .deleteMember(
                                channel: channel.name,
                                id: group.id,
                                targetID: tid,
                                displayName: name,
                                user: user
                            )
                        )
                    case .createGroup, .adopt, .rename, .deleteGroup, .block:
                        break  // `reconcile` compares the members of a linked group (its name is compared above)
                    }
                }
            }
        }
        return (steps, blocked)
    }

    /// Executes a plan. As in `Reconciler`, a user the target refuses does not stop the steps after it;
    /// the refusals are thrown together at the end.
    package func execute(_ steps: [Step], channels: [Channel], progress: (Int, Int) -> Void = { _, _ in }) async throws
    {
        // More deprovisions than the brake allows: paused before the first of them.
        try await sync.brake?.allow(planned: steps.filter(\.deprovisions).count)
        let byName = Dictionary(uniqueKeysWithValues: channels.map { ($0.name, $0) })
        var refused: [(userName: String, detail: String)] = []
        for (i, step) in steps.enumerated() {
            switch step {
            case .user(let step):
                guard let channel = byName[step.channel] else { break }
                if let refusal = try await sync.users.execute(step, channel) { refused.append(refusal) }
            case .linkGroup(let c, let id, let name, _, _):
                guard let channel = byName[c] else { break }
                try await store.forgetStaleGroupMapping(target: target, channel: channel, id: id)
                try await sync.link(id, name: name, channel)
            case .unlinkGroup(let c, let id, _, _, _):
                guard let channel = byName[c] else { break }
                try await sync.leaveScope(id, channel)
            case .renameGroup(let c, let id, let tid, _, let to):
                try await sync.connector.renameGroup(id: tid, displayName: to)
                // `detail` is the synced name of a finished link (nil: unfinished, left for `resume`).
                if let channel = byName[c],
                    var m = try await store.mapping(target: target, channel: channel, kind: .group, canonicalID: id),
                    m.detail != nil
                {
                    m.detail = to
                    try await store.setMapping(m)
                }
            case .insertMember(let c, let id, let tid, _, let user):
                // As in delivery: only a membership this call created is the bridge's.
                if try await sync.insert(user: user, group: tid), let channel = byName[c] {
                    let canonical = try await store.canonicalUsers(target: target, [user], channel)
                    try await store.recordBridgeAdded(target: target, channel: channel, group: id, members: canonical)
                }
            case .deleteMember(let c, let id, let tid, _, let user):
                try await sync.connector.removeMembership(user: user, group: tid)
                if let channel = byName[c] {
                    let canonical = try await store.canonicalUsers(target: target, [user], channel)
                    try await store.forgetBridgeAdded(target: target, channel: channel, group: id, members: canonical)
                }
            }
            progress(i + 1, steps.count)
        }
        if !refused.isEmpty { throw Reconciler.UsersRefused(refused: refused) }
    }
}
