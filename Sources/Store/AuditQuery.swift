package import SCIM

/// Which audit entries to read: any mix of one target, one resource and a time range, newest first,
/// a page at a time (`before` is the `seq` of the last entry of the previous page).
package struct AuditQuery: Sendable, Hashable {
    package var target: String?
    /// `user:ID` or `group:ID`.
    package var resourceKey: String?
    /// Entries at or after this time.
    package var since: SCIMDateTime?
    /// Entries before this time.
    package var until: SCIMDateTime?
    /// Entries older than the one with this `seq`.
    package var before: Int64?
    package var limit: Int

    package init(
        target: String? = nil,
        resourceKey: String? = nil,
        since: SCIMDateTime? = nil,
        until: SCIMDateTime? = nil,
        before: Int64? = nil,
        limit: Int = 100
    ) {
        self.target = target
        self.resourceKey = resourceKey
        self.since = since
        self.until = until
        self.before = before
        self.limit = limit
    }

    /// The WHERE clause (with `?` placeholders) and its values in order, the same for both backends.
    package var conditions: (sql: String, values: [AuditQueryValue]) {
        var parts: [String] = []
        var values: [AuditQueryValue] = []
        if let target {
            parts.append("target = ?")
            values.append(.text(target))
        }
        if let resourceKey {
            parts.append("resource_key = ?")
            values.append(.text(resourceKey))
        }
        if let since {
            parts.append("time >= ?")
            values.append(.time(since))
        }
        if let until {
            parts.append("time < ?")
            values.append(.time(until))
        }
        if let before {
            parts.append("seq < ?")
            values.append(.seq(before))
        }
        return (parts.isEmpty ? "TRUE" : parts.joined(separator: " AND "), values)
    }
}

/// One bound value of an `AuditQuery`'s conditions.
package enum AuditQueryValue: Sendable, Hashable {
    case text(String)
    case time(SCIMDateTime)
    case seq(Int64)
}
