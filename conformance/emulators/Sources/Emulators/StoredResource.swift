public import SCIM

/// One resource as the emulator keeps it: the validated attributes (without `id`, `meta`, a user's
/// `groups`, or the read-only parts of group members) and the `meta` data of RFC 7643 §3.1.
public struct StoredResource: Sendable, Hashable {
    public var id: String
    public var kind: ResourceKind
    /// Group `members` are kept as `[{"value": id, "type": "User"|"Group"}]`.
    public var attributes: JSONObject
    public var created: SCIMDateTime
    public var lastModified: SCIMDateTime
    public var version: Int64

    /// The weak entity tag of RFC 7644 §3.14.
    public var etag: String { ETag.make(version: version) }
}
