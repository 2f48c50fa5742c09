package import Connectors
package import Membership
package import SCIM
package import Store

/// Reads a group-centric target, diffs it against the canonical model, and plans (or executes) the
/// calls that repair the drift: `scim-bridge plan` prints the plan, `scim-bridge sync` executes it.
package struct Reconciler: Sendable {
    package let sync: GroupCentricSync

    package init(sync: GroupCentricSync) { self.sync = sync }

    /// One repair call, with the canonical resource it serves.
    package enum Step: ReconcileStep, Hashable {
        /// `POST`, `PUT` (the account differs) or removal of a user (`UserStep`).
        case user(UserStep)
        case linkGroup(channel: String, id: String, displayName: String, policy: CollisionPolicy, collides: Bool)
        /// A linked group outside the target's `scope`: unlinked as its deletion would be.
        case unlinkGroup(channel: String, id: String, targetID: String, displayName: String, origin: GroupOrigin)
        case renameGroup(channel: String, id: String, targetID: String, from: String, to: String)
        case addMembers(channel: String, id: String, targetID: String, displayName: String, members: [String])
        case removeMembers(channel: String, id: String, targetID: String, displayName: String, members: [String])

        package var description: String {
            switch self {
            case .user(.create(_, _, let userName)): return "POST /Users  userName=\(userName)"
            case .user(.repair(_, _, let tid, let userName, let differences)):
                return "PUT /Users/\(tid)  userName=\(userName) "
                    + differences.map(\.description).joined(separator: ", ")
            case .user(.deprovision(_, _, let tid, let userName, let removal)):
                switch removal {
                case .disable:
                    return "PATCH /Users/\(tid)  userName=\(userName) active true -> false (deleted at the source)"
                case .delete:
                    return "DELETE /Users/\(tid)  userName=\(userName) (deleted at the source, active on the target)"
                }
            case .linkGroup(_, _, let name, let policy, let collides):
                return collides
                    ? "link existing group \"\(name)\" under onNameCollision=\(policy.rawValue)"
                    : "POST /Groups  displayName=\(name)"
            case .unlinkGroup(_, _, let tid, let name, let origin):
                return origin.ownsAllMembers
                    ? "DELETE /Groups/\(tid)  (\(name)) out of scope"
                    : "PATCH /Groups/\(tid)  (\(name)) out of scope: remove the members the bridge added"
            case .renameGroup(_, _, let tid, let from, let to):
                return "PATCH /Groups/\(tid)  displayName \"\(from)\" -> \"\(to)\""
            case .addMembers(_, _, let tid, let name, let members):
                return
                    "PATCH /Groups/\(tid)  (\(name)) add \(members.count) member(s): \(members.joined(separator: ", "))"
            case .removeMembers(_, _, let tid, let name, let members):
                return
                    "PATCH /Groups/\(tid)  (\(name)) remove \(members.count) member(s): \(members.joined(separator: ", "))"
            }
        }

        package var resourceKey: String {
            switch self {
            case .user(let step): return step.resourceKey
            case .linkGroup(_, let id, _, _, _), .unlinkGroup(_, let id, _, _, _), .renameGroup(_, let id, _, _, _),
                .addMembers(_, let id, _, _, _), .removeMembers(_, let id, _, _, _):
                return "group:\(id)"
            }
        }

        package var deprovisions: Bool {
            switch self {
            case .user(let step): step.deprovisions
            case .unlinkGroup(_, _, _, _, let origin): origin.ownsAllMembers
            case .linkGroup, .renameGroup, .addMembers, .removeMembers: false
            }
        }

        package var channel: String {
            switch self {
            case .user(let step): return step.channel
            case .linkGroup(let c, _, _, _, _), .unlinkGroup(let c, _, _, _, _), .renameGroup(let c, _, _, _, _),
                .addMembers(let c, _, _, _, _), .removeMembers(let c, _, _, _, _):
                return c
            }
        }
    }

    /// The repair plan for every channel that fans out to this target. Nothing is changed.
    package func plan(channels: [Channel]) async throws -> (steps: [Step], blocked: [String]) {
        let survey = try await UserSurvey(
            directory: sync.userDirectory,
            store: sync.store,
            target: sync.target,
            removal: sync.userRemoval
        )
        let targetGroups = try await sync.connector.listGroups()
        var groupByID: [String: GroupCentricPlanner.TargetGroup] = [:]
        var groupsByName: [String: [GroupCentricPlanner.TargetGroup]] = [:]
        for g in targetGroups {
            groupByID[g.id] = g
            groupsByName[FilterEvaluator.foldCase(g.displayName), default: []].append(g)
        }
        var steps: [Step] = []
        var blocked: [String] = []
        for channel in channels {
            let channelUsers = try await sync.users.received(try await sync.store.allResources(.user, channel), channel)
            let (users, userSteps) = survey.steps(channelUsers, in: channel)
            steps += userSteps.map(Step.user)
            // Members the target cannot hold (Slack: deactivated users) are not source members there.
            let unholdable: Set<String> =
                sync.connector.holdsInactiveMembers
                ? [] : Set(channelUsers.filter { $0.attributes["active"]?.boolValue == false }.map(\.id))
            let canonicalToTarget = users.targetIDs
            for group in try await sync.store.allResources(.group, channel) {
                guard let name = sync.targetName(of: group.attributes) else { continue }
                let mapping = try await sync.store.mapping(
                    target: sync.target,
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
                    let actual = groupByID[tid]
                else {
                    let sameNamed = groupsByName[FilterEvaluator.foldCase(name)] ?? []
                    // Several same-named groups block the link under every policy: the plan names them.
                    if sameNamed.count > 1,
                        case .block(let reason)? = GroupCentricPlanner.link(
                            displayName: name,
                            sourceMembers: [],
                            existing: sameNamed,
                            policy: sync.policy
                        ).first
                    {
                        blocked.append("\(channel.name)/\(name): \(reason)")
                        continue
                    }
                    steps.append(
                        .linkGroup(
                            channel: channel.name,
                            id: group.id,
                            displayName: name,
                            policy: sameNamed.isEmpty
                                ? sync.policy : try await sync.policy(forGroup: group.id, channel),
                            collides: !sameNamed.isEmpty
                        )
                    )
                    continue
                }
                let members = try await sync.store.members(ofGroup: group.id, in: channel).filter { $0.kind == .user }
                let source = Set(members.filter { !unholdable.contains($0.id) }.compactMap { canonicalToTarget[$0.id] })
                let bridgeAddedCanonical = try await sync.store.bridgeAddedMembers(
                    target: sync.target,
                    channel: channel,
                    group: group.id
                )
                let bridgeAdded = Set(bridgeAddedCanonical.compactMap { canonicalToTarget[$0] })
                for op in GroupCentricPlanner.reconcile(
                    displayName: name,
                    sourceMembers: source,
                    actual: actual,
                    origin: origin,
                    bridgeAdded: bridgeAdded
                ) {
                    switch op {
                    case .rename(let t, let to):
                        steps.append(
                            .renameGroup(
                                channel: channel.name,
                                id: group.id,
                                targetID: t,
                                from: actual.displayName,
                                to: to
                            )
                        )
                    case .addMembers(let t, let m):
                        steps.append(
                            .addMembers(channel: channel.name, id: group.id, targetID: t, displayName: name, members: m)
                        )
                    case .removeMembers(let t, let m):
                        steps.append(
                            .removeMembers(
                                channel: channel.name,
                                id: group.id,
                                targetID: t,
                                displayName: name,
                                members: m
                            )
                        )
                    case .createGroup, .adopt, .deleteGroup, .block:
                        break  // `reconcile` compares a linked group: it never creates, adopts, deletes or blocks one
                    }
                }
            }
        }
        return (steps, blocked)
    }

    /// Users the target refused to create or repair (`400`, `409`, `422`) while the rest of a plan was executed.
    package struct UsersRefused: Error, CustomStringConvertible {
        /// userName and the target's answer, in plan order.
        package var refused: [(userName: String, detail: String)]
        package var description: String {
            "The target refused \(refused.count) user(s); the rest of the plan was executed: "
                + refused.map { "\($0.userName) (\($0.detail))" }.joined(separator: "; ")
        }
    }

    /// Executes a plan, calling `progress(done, total)` after each step. A user the target refuses
    /// does not stop the steps after it (its groups go on without it, as in delivery); the refusals
    /// are thrown together at the end as `UsersRefused`. Any other failure stops the plan.
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
                try await sync.store.forgetStaleGroupMapping(target: sync.target, channel: channel, id: id)
                try await sync.link(id, name: name, channel)
            case .unlinkGroup(let c, let id, _, _, _):
                guard let channel = byName[c] else { break }
                try await sync.leaveScope(id, channel)
            case .renameGroup(let c, let id, let tid, _, let to):
                try await sync.connector.renameGroup(id: tid, displayName: to)
                if let channel = byName[c],
                    var m = try await sync.store.mapping(
                        target: sync.target,
                        channel: channel,
                        kind: .group,
                        canonicalID: id
                    )
                {
                    m.detail = to
                    try await sync.store.setMapping(m)
                }
            case .addMembers(let c, let id, let tid, _, let members):
                try await sync.connector.addMembers(groupID: tid, members: members)
                // Re-added members are the bridge's: under merge, a later removal may take them away again.
                if let channel = byName[c] {
                    let canonical = try await sync.store.canonicalUsers(target: sync.target, members, channel)
                    try await sync.store.recordBridgeAdded(
                        target: sync.target,
                        channel: channel,
                        group: id,
                        members: canonical
                    )
                }
            case .removeMembers(let c, let id, let tid, _, let members):
                try await sync.connector.removeMembers(groupID: tid, members: members)
                if let channel = byName[c] {
                    let canonical = try await sync.store.canonicalUsers(target: sync.target, members, channel)
                    try await sync.store.forgetBridgeAdded(
                        target: sync.target,
                        channel: channel,
                        group: id,
                        members: canonical
                    )
                }
            }
            progress(i + 1, steps.count)
        }
        if !refused.isEmpty { throw UsersRefused(refused: refused) }
    }
}
