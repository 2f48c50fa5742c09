/// A named rewrite of one identity provider's PATCH habits into strict RFC 7644 §3.5.2, applied to
/// the raw JSON body before `PatchRequest(json:)` decodes it.
///
/// Contract: a dialect only rewrites what the strict engine would refuse (Entra's `"Replace"`,
/// `"False"` for a boolean, `remove` with a `value`), or respells something into an equivalent form.
/// A request the strict engine accepts keeps its meaning, so applying every dialect to every
/// client's traffic is safe and the server need not guess who is calling.
public protocol PatchDialect {
    /// A short name for logs ("entra").
    static var name: String { get }
    /// The request, rewritten; unchanged when nothing applies. Never fails: what it cannot
    /// rewrite is left for the strict decoder to report.
    static func normalize(_ request: JSONValue, schema: ResourceSchema) -> JSONValue
}

/// Every PATCH dialect, applied in order (RFC 7644 §3.5.2 is the target form).
public enum PatchDialects {
    /// The dialects `normalize` applies.
    public static var all: [any PatchDialect.Type] {
        [EntraPatchDialect.self, OktaPatchDialect.self, PingOnePatchDialect.self]
    }

    /// `request` with every dialect applied.
    public static func normalize(_ request: JSONValue, schema: ResourceSchema) -> JSONValue {
        normalizeReporting(request, schema: schema).request
    }

    /// `request` with every dialect applied, and the names of the dialects that changed it
    /// (for a log line saying which IdP habits the traffic shows).
    public static func normalizeReporting(_ request: JSONValue, schema: ResourceSchema)
        -> (request: JSONValue, changedBy: [String])
    {
        var current = request
        var changedBy: [String] = []
        for dialect in all {
            let next = dialect.normalize(current, schema: schema)
            if next != current { changedBy.append(dialect.name) }
            current = next
        }
        return (current, changedBy)
    }
}
