import Membership
import SCIM
import Store

/// Turns a stored resource into its SCIM representation (RFC 7643 §3.1, §4): `schemas`, `id`,
/// the attributes, group `members` or user `groups` from the edges, and `meta` with an absolute `location`.
struct ResourceRenderer: Sendable {
    /// `http(s)://host[:port]/scim/v2/{channel}`: the channel's base URL, no trailing slash.
    let baseURL: String

    func location(_ kind: ResourceKind, id: String) -> String {
        "\(baseURL)/\(kind == .user ? "Users" : "Groups")/\(id)"
    }

    /// The full representation; `members` (groups) or `groups` (users) when they were read.
    func render(_ r: StoredResource, edges: [MemberReference]?) -> JSONObject {
        var out: [(key: String, value: JSONValue)] = []
        out.reserveCapacity(r.attributes.count + 3)
        out.append(("schemas", r.attributes["schemas"] ?? .array([])))
        out.append(("id", .string(r.id)))
        for m in r.attributes where !caseInsensitiveEquals(m.key, "schemas") {
            out.append(m)
        }
        if let edges {
            switch r.kind {
            case .group:
                if !edges.isEmpty {
                    out.append(
                        (
                            "members",
                            .array(
                                edges.map { member in
                                    var o: JSONObject = [
                                        "value": .string(member.id),
                                        "$ref": .string(location(member.kind, id: member.id)),
                                        "type": .string(member.kind.rawValue),
                                    ]
                                    if let d = member.display { o["display"] = .string(d) }
                                    return .object(o)
                                }
                            )
                        )
                    )
                }
            case .user:
                if !edges.isEmpty {
                    out.append(
                        (
                            "groups",
                            .array(
                                edges.map { group in
                                    var o: JSONObject = [
                                        "value": .string(group.id),
                                        "$ref": .string(location(.group, id: group.id)),
                                        "type": "direct",
                                    ]
                                    if let d = group.display { o["display"] = .string(d) }
                                    return .object(o)
                                }
                            )
                        )
                    )
                }
            }
        }
        out.append(
            (
                "meta",
                [
                    "resourceType": .string(r.kind.rawValue),
                    "created": .string(r.created.iso8601),
                    "lastModified": .string(r.lastModified.iso8601),
                    "location": .string(location(r.kind, id: r.id)),
                    "version": .string(r.etag),
                ]
            )
        )
        return JSONObject(out.map { ($0.key, $0.value) })
    }
}
