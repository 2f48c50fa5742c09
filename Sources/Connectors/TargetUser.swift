package import SCIM

/// One user as a target lists it for reconciliation: its id, its match key, whether it may sign in,
/// and the attributes the bridge writes, in canonical SCIM terms (`name.familyName`, not `LastName`).
package struct TargetUser: Sendable, Hashable {
    package var id: String
    package var matchKey: String
    package var active: Bool
    /// Canonical attribute path → the value the target holds, for the attributes this kind compares
    /// (`TargetUserDirectory.differences(of:from:)`); an attribute the target left empty is absent.
    package var attributes: [String: String]

    package init(id: String, matchKey: String, active: Bool, attributes: [String: String] = [:]) {
        self.id = id
        self.matchKey = matchKey
        self.active = active
        self.attributes = attributes
    }
}

/// One attribute on which a target's user differs from what the bridge would write.
package struct AttributeDifference: Sendable, Hashable, CustomStringConvertible {
    /// The canonical attribute path (`active`, `displayName`, `name.familyName`, …).
    package var attribute: String
    /// As the target holds it; nil when it holds none.
    package var actual: String?
    /// As the bridge would write it.
    package var wanted: String

    package init(_ attribute: String, actual: String?, wanted: String) {
        self.attribute = attribute
        self.actual = actual
        self.wanted = wanted
    }

    /// `active false -> true`, `name.familyName "Doe" -> "Roe"`.
    package var description: String {
        attribute == "active"
            ? "active \(actual ?? "none") -> \(wanted)"
            : "\(attribute) \(actual.map { JSONValue.string($0).serialized() } ?? "none") -> \(JSONValue.string(wanted).serialized())"
    }

    /// The JSON an audit entry records.
    package var json: JSONValue {
        ["attribute": .string(attribute), "target": actual.map(JSONValue.string) ?? .null, "wanted": .string(wanted)]
    }
}

/// The comparison every kind shares once it has put both sides in canonical terms. Pure.
package enum UserComparison {
    /// The differences between the account the bridge would write (`active`, and `wanted` attributes,
    /// an absent one meaning "the bridge writes none": the target's own value is left alone) and the
    /// target's user. `folded` names attributes compared without regard to case (email addresses).
    package static func differences(
        active: Bool,
        wanted: [String: String],
        actual: TargetUser,
        folded: Set<String> = []
    ) -> [AttributeDifference] {
        var out: [AttributeDifference] = []
        if active != actual.active {
            out.append(AttributeDifference("active", actual: String(actual.active), wanted: String(active)))
        }
        for key in wanted.keys.sorted() {
            guard let value = wanted[key] else { continue }
            let held = actual.attributes[key]
            let same = folded.contains(key) ? held.map { caseInsensitiveEquals($0, value) } ?? false : held == value
            if !same { out.append(AttributeDifference(key, actual: held, wanted: value)) }
        }
        return out
    }

    /// The value of `path` (`name.givenName`) in a JSON object, when it is a non-empty string.
    package static func string(_ object: JSONObject, _ path: String) -> String? {
        var value: JSONValue? = .object(object)
        for part in path.split(separator: ".") { value = value?[String(part)] }
        guard let s = value?.stringValue, !s.isEmpty else { return nil }
        return s
    }

    /// The non-empty string values of `paths` in a JSON object, by path.
    package static func strings(_ object: JSONObject, _ paths: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for path in paths { out[path] = string(object, path) }
        return out
    }
}
