import Foundation
import Hummingbird
import SCIM
import Store

// The audit log: every call the bridge made to a target and every administrator's decision, newest
// first, filtered by target, resource and time, a page at a time.
extension ConsoleRoutes {
    func auditPage(_ query: Parameters, csrf: String) async throws -> Response {
        let target = query["target"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let resource = query["resource"].map(String.init)?.trimmingCharacters(in: .whitespaces)
        let sinceText = query["since"].map(String.init) ?? ""
        let untilText = query["until"].map(String.init) ?? ""
        var problems: [String] = []
        let since = Self.instant(sinceText, field: "From", problems: &problems)
        let until = Self.instant(untilText, field: "Until", problems: &problems, endOfDay: true)
        let before = query["before"].flatMap { Int64(String($0)) }
        if let target, !admin.targets.contains(target) {
            problems.append("There is no target named \(target).")
        }
        var entries: [AuditEntry] = []
        if problems.isEmpty {
            entries = try await store.auditLog(
                AuditQuery(
                    target: target,
                    resourceKey: resource.flatMap { $0.isEmpty ? nil : $0 },
                    since: since,
                    until: until,
                    before: before,
                    limit: Self.pageSize
                )
            )
        }
        var values: [String: Any] = [
            "targets": admin.targets.map { ["name": $0, "selected": $0 == target] },
            "resource": resource ?? "", "since": sinceText, "until": untilText,
            "entries": entries.map { e -> [String: Any] in
                var row: [String: Any] = [
                    "time": e.time.iso8601, "target": e.target, "action": e.action, "resource": e.resourceKey,
                    "detail": e.detail.serialized(),
                ]
                if let (_, id) = Self.parseKey(e.resourceKey) {
                    row["href"] = "/admin/search?q=\(Self.urlEncoded(id))"
                }
                return row
            },
        ]
        values["hasEntries"] = !entries.isEmpty
        if !problems.isEmpty { values["problems"] = problems.map { ["text": $0] } }
        if entries.count == Self.pageSize, let last = entries.last {
            values["older"] =
                "/admin/audit?target=\(Self.urlEncoded(target ?? ""))&resource=\(Self.urlEncoded(resource ?? ""))"
                + "&since=\(Self.urlEncoded(sinceText))&until=\(Self.urlEncoded(untilText))&before=\(last.seq)"
        }
        return page("Audit log", "audit", values, csrf: csrf)
    }

    /// A date (`2026-12-07`, the whole day) or a SCIM date-time from a filter field; empty is no bound.
    static func instant(_ text: String, field: String, problems: inout [String], endOfDay: Bool = false)
        -> SCIMDateTime?
    {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return nil }
        // The store keeps nanoseconds since 1970 in 64 bits: years up to 2262; far enough.
        let latest: Int64 = 7_000_000_000
        if let full = SCIMDateTime(t) ?? SCIMDateTime(t + "T00:00:00Z") {
            guard (0...latest).contains(full.seconds) else {
                problems.append("\(field): '\(t)' is outside the years 1970 to 2191.")
                return nil
            }
            return endOfDay && !t.contains("T") ? SCIMDateTime(seconds: full.seconds + 86_400) : full
        }
        problems.append("\(field): '\(t)' is not a date (2026-12-07) or a date-time (2026-12-07T09:30:00Z).")
        return nil
    }
}
