public import SCIM

/// The filters Slack's SCIM API accepts (targets.md §B "Filters"): on users, `userName` (or
/// `username`) and `email` with `eq co sw pr gt ge lt le`, combined by `and`/`or` and `( )`, names and
/// operators without regard to case, values compared without regard to case; on groups,
/// `displayName eq "…"` only. Anything else on users is `incomplete_filter`, on groups
/// `invalid_filter_group`.
enum SlackFilter {
    /// A user filter, parsed and checked.
    struct Users: Sendable {
        let expression: FilterExpression

        init(_ text: String) throws(SlackError) {
            do {
                expression = try FilterParser.parse(text)
            } catch {
                throw SlackError.incompleteFilter
            }
            try Self.check(expression)
        }

        static func check(_ e: FilterExpression) throws(SlackError) {
            switch e {
            case .compare(let attribute, let op, let value):
                guard attributeValues(attribute) != nil, value.stringValue != nil,
                    [.eq, .co, .sw, .gt, .ge, .lt, .le].contains(op)
                else { throw SlackError.incompleteFilter }
            case .present(let attribute):
                guard attributeValues(attribute) != nil else { throw SlackError.incompleteFilter }
            case .and(let a, let b), .or(let a, let b):
                try check(a)
                try check(b)
            case .not, .valuePath:
                throw SlackError.incompleteFilter
            }
        }

        /// Which values of a user an attribute names: `userName`, or every email address.
        static func attributeValues(_ attribute: FilterAttribute) -> ((JSONObject) -> [String])? {
            guard attribute.path.schemaURN == nil else { return nil }
            switch (attribute.path.name.lowercased(), attribute.path.subAttribute?.lowercased()) {
            case ("username", nil):
                return { [$0["userName"]?.stringValue?.lowercased()].compactMap { $0 } }
            case ("email", nil), ("emails", nil), ("emails", "value"):
                return { SlackValidation.emailAddresses(of: $0) }
            default:
                return nil
            }
        }

        /// `userName eq "x"` or `email eq "x"`: answerable from the directory's indexes.
        var equality: (attribute: String, value: String)? {
            guard case .compare(let attribute, .eq, .string(let value)) = expression, attribute.path.subAttribute == nil
            else { return nil }
            let name = attribute.path.name.lowercased()
            return name == "username" || name == "email" || name == "emails" ? (name, value) : nil
        }

        func matches(_ user: JSONObject) -> Bool { Self.matches(expression, user) }

        static func matches(_ e: FilterExpression, _ user: JSONObject) -> Bool {
            switch e {
            case .compare(let attribute, let op, let value):
                guard let values = attributeValues(attribute)?(user), let wanted = value.stringValue?.lowercased()
                else {
                    return false
                }
                return values.contains { v in
                    switch op {
                    case .eq: v == wanted
                    case .co: v.contains(wanted)
                    case .sw: v.hasPrefix(wanted)
                    case .gt: v > wanted
                    case .ge: v >= wanted
                    case .lt: v < wanted
                    case .le: v <= wanted
                    default: false
                    }
                }
            case .present(let attribute):
                return !(attributeValues(attribute)?(user).isEmpty ?? true)
            case .and(let a, let b): return matches(a, user) && matches(b, user)
            case .or(let a, let b): return matches(a, user) || matches(b, user)
            case .not, .valuePath: return false
            }
        }
    }

    /// The name of `displayName eq "…"`, the one group filter.
    static func groupDisplayName(_ text: String) throws(SlackError) -> String {
        let expression: FilterExpression
        do {
            expression = try FilterParser.parse(text)
        } catch {
            throw SlackError.invalidFilterGroup
        }
        guard case .compare(let attribute, .eq, .string(let name)) = expression,
            attribute.path.schemaURN == nil, attribute.path.subAttribute == nil,
            attribute.path.name.lowercased() == "displayname"
        else { throw SlackError.invalidFilterGroup }
        return name
    }
}
