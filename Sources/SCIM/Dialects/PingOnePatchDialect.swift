/// PingOne's PATCH traffic (research notes §0, §2.2), checked against RFC 7644 §3.5.2.
///
/// PingOne's SCIM provisioner sends user updates as full PUTs ("does not support patch updates"),
/// and group updates either as PUT or as strict PATCH: `add` on `members` with `[{"value":"id"}]`,
/// `remove` with `members[value eq "id"]`, `replace` of `displayName`. Its mixed-case filters
/// (`username Eq "…"`) are a filter-parser matter, which parses operators and names
/// case-insensitively. Its "both emails primary" quirk concerns PUT bodies, not PATCH. So there
/// is nothing to rewrite; the type names that finding and keeps PingOne's shapes under test.
public enum PingOnePatchDialect: PatchDialect {
    public static let name = "pingone"

    public static func normalize(_ request: JSONValue, schema: ResourceSchema) -> JSONValue {
        request
    }
}
