/// Okta's PATCH traffic (developer.okta.com, "SCIM 2.0 protocol"), checked against RFC 7644 §3.5.2.
///
/// Okta sends profile changes as full PUTs and uses PATCH only in strict RFC form:
/// deactivation `{"op":"replace","value":{"active":false}}`; Group Push `add`/`remove` on
/// `members` (`members[value eq "id"]`), a `replace` of `members` with the full list, and a
/// rename `{"op":"replace","value":{"id":"…","displayName":"…"}}` that echoes the group's `id`,
/// which `PatchEngine` ignores when unchanged. So there is nothing to rewrite; the type exists to
/// name that finding and to keep Okta's shapes under test.
public enum OktaPatchDialect: PatchDialect {
    public static let name = "okta"

    public static func normalize(_ request: JSONValue, schema: ResourceSchema) -> JSONValue {
        request
    }
}
