import SCIM
import Store

/// How the admin API writes the store's facts: the server renders, the store only reads.
extension ResourceSyncStatus {
    /// One resource of `GET /admin/targets/{name}/resources`.
    var adminJSON: JSONValue {
        var o: JSONObject = [
            "channel": .string(channel), "resource": .string(resourceKey), "state": .string(state.rawValue),
        ]
        if let targetID { o["targetId"] = .string(targetID) }
        if let origin { o["origin"] = .string(origin.rawValue) }
        if undelivered > 0 { o["undelivered"] = .integer(Int64(undelivered)) }
        if attempts > 0 { o["attempts"] = .integer(Int64(attempts)) }
        if let lastError { o["lastError"] = .string(lastError) }
        if let detail { o["detail"] = .string(detail) }
        return .object(o)
    }
}

extension AuditEntry {
    /// One entry of `GET /admin/targets/{name}/audit`.
    var adminJSON: JSONValue {
        ["time": .string(time.iso8601), "action": .string(action), "resource": .string(resourceKey), "detail": detail]
    }
}
