package import Membership
package import SCIM

/// The persistence boundary: channels and their credentials, users, groups and membership edges.
///
/// Every write is one transaction: when a method returns, the change is durable. Implementations
/// never leak SQL types or messages upward; failures a client can cause are `SCIMError`s.
package protocol Store: Sendable {
    // MARK: Channels and credentials

    /// Creates a channel; 409 if the name is taken.
    func createChannel(named name: String) async throws -> Channel
    /// The channel with this name, if any.
    func channel(named name: String) async throws -> Channel?
    /// All channels, by name.
    func channels() async throws -> [Channel]
    /// Notes a request from the channel's identity provider at `at`, kept only when later than the
    /// one held (replicas write in any order).
    func recordRequest(toChannel channel: Channel, at: SCIMDateTime) async throws
    /// Each channel's latest recorded request, by channel name; a channel never asked is absent.
    func lastRequests() async throws -> [String: SCIMDateTime]
    /// Deletes a channel with all its data and credentials; false if there was none.
    func deleteChannel(named name: String) async throws -> Bool
    /// Adds a credential to a channel.
    func addCredential(_ credential: NewCredential, to channel: Channel) async throws
    /// Removes every credential of `kind` from the channel (before issuing a new one on rotation).
    func removeCredentials(of kind: CredentialKind, from channel: Channel) async throws
    /// The credentials of a channel.
    func credentials(of channel: Channel) async throws -> [StoredCredential]
    /// Every credential of a kind with this lookup key (a token's key prefix, a user name, a client id).
    func credentials(kind: CredentialKind, lookupKey: String) async throws -> [StoredCredential]

    // MARK: Resources

    /// Stores a new resource (already validated); `members` (ids) only for groups. 409 `uniqueness` on a clash,
    /// 400 `invalidValue` when a member id names no user or group of the channel.
    func create(_ kind: ResourceKind, in channel: Channel, resource: JSONObject, members: [String])
        async throws -> StoredResource
    /// The resource with this id in the channel.
    func get(_ kind: ResourceKind, id: String, in channel: Channel) async throws -> StoredResource?
    /// The resource with this id and, when `withEdges`, its edges: a user's groups (read on the same
    /// snapshot as the user) or a group's members.
    func get(_ kind: ResourceKind, id: String, in channel: Channel, withEdges: Bool) async throws
        -> (resource: StoredResource, edges: [MemberReference]?)?
    /// Changes a resource in one transaction: `update` computes the new attributes from the current
    /// ones (it runs inside the transaction, so concurrent changes are serialised, never lost); the
    /// membership change is applied as edge inserts and deletes, costing the delta, not the group size
    /// (except `replaceAll` and `computed`, which read the member list, in the same transaction).
    func modify(
        _ kind: ResourceKind,
        id: String,
        in channel: Channel,
        ifMatch: String?,
        membership: MembershipChange,
        update: @escaping @Sendable (StoredResource) throws -> JSONObject
    ) async throws -> StoredResource
    /// Deletes a resource and its membership edges; 404 if absent, 412 on a stale `ifMatch`.
    func delete(_ kind: ResourceKind, id: String, in channel: Channel, ifMatch: String?) async throws
    /// Runs a query: filter (translated to SQL where an index serves), sort and page.
    func query(_ kind: ResourceKind, in channel: Channel, _ query: ResourceQuery) async throws -> QueryResult

    // MARK: Membership edges

    /// The members of a group (only called when `members` is to be returned).
    func members(ofGroup id: String, in channel: Channel) async throws -> [MemberReference]
    /// The groups a member belongs to directly (for a User's read-only `groups`).
    func groups(ofMember id: String, in channel: Channel) async throws -> [MemberReference]
}

/// How a client authenticates to a channel (the three methods PingOne offers).
package enum CredentialKind: String, Sendable, Hashable, CaseIterable {
    /// A static bearer token.
    case bearer
    /// HTTP Basic user name and password.
    case basic
    /// OAuth 2 client credentials (client id and secret) exchanged at the bridge's token endpoint.
    case oauthClient = "oauth-client"
}

/// A credential to store: the secret arrives already hashed.
package struct NewCredential: Sendable {
    package var kind: CredentialKind
    /// Public part used to find the credential: a token's key prefix, a user name or a client id.
    package var lookupKey: String
    /// Salted hash of the secret.
    package var secretHash: [UInt8]
    package var salt: [UInt8]

    package init(kind: CredentialKind, lookupKey: String, secretHash: [UInt8], salt: [UInt8]) {
        self.kind = kind
        self.lookupKey = lookupKey
        self.secretHash = secretHash
        self.salt = salt
    }
}

/// A stored credential, with the channel it opens.
package struct StoredCredential: Sendable {
    package var channel: Channel
    package var kind: CredentialKind
    package var lookupKey: String
    package var secretHash: [UInt8]
    package var salt: [UInt8]
}

/// A resource as stored: its attributes (without `id`, `meta`, group `members` or user `groups`,
/// which live in columns and edges) and its metadata.
package struct StoredResource: Sendable {
    package var kind: ResourceKind
    package var id: String
    package var attributes: JSONObject
    /// Increases by one on every change; the ETag is derived from it.
    package var version: Int64
    package var created: SCIMDateTime
    package var lastModified: SCIMDateTime

    package init(
        kind: ResourceKind,
        id: String,
        attributes: JSONObject,
        version: Int64,
        created: SCIMDateTime,
        lastModified: SCIMDateTime
    ) {
        self.kind = kind
        self.id = id
        self.attributes = attributes
        self.version = version
        self.created = created
        self.lastModified = lastModified
    }

    /// The weak ETag of RFC 7644 §3.14 for this version.
    package var etag: String { "W/\"\(version)\"" }
}

/// What a write does to a group's member edges.
package enum MembershipChange: Sendable {
    /// Leave the edges alone.
    case none
    /// Add and remove these member ids (adding a present or removing an absent member is a no-op).
    case delta(add: [String], remove: [String])
    /// Make the member list exactly this.
    case replaceAll([String])
    /// Make the member list the ids this returns from the current members (with their displays), read
    /// in the write's transaction: for changes the request alone cannot name (a PATCH filter on
    /// `members.display` or `members.type`), which would lose concurrent changes if computed from an
    /// earlier read. It may run more than once, so it must depend on its argument alone; what it throws
    /// fails the write. Costs the group size; the edges still change by the difference only.
    case computed(@Sendable ([MemberReference]) throws -> [String])
}

/// A list query, already validated and resolved.
package struct ResourceQuery: Sendable {
    package var filter: ResolvedFilter?
    package var sort: SortSpecification?
    /// 1-based index of the first result (RFC 7644 §3.4.2.4).
    package var startIndex: Int
    /// Maximum number of results to return.
    package var count: Int
    /// Read the edges of each resource returned (a user's groups, a group's members) on the same
    /// snapshot, in a few statements for the whole page (`QueryResult.edges`).
    package var withEdges: Bool

    package init(
        filter: ResolvedFilter? = nil,
        sort: SortSpecification? = nil,
        startIndex: Int = 1,
        count: Int = 100,
        withEdges: Bool = false
    ) {
        self.filter = filter
        self.sort = sort
        self.startIndex = startIndex
        self.count = count
        self.withEdges = withEdges
    }
}

/// One page of results and the total number of matches.
package struct QueryResult: Sendable {
    package var totalResults: Int
    package var resources: [StoredResource]
    /// The edges of each resource in `resources`, by id, when the query asked `withEdges` (a group
    /// found by a unique lookup may be left out: its members are then read on their own).
    package var edges: [String: [MemberReference]]?

    package init(totalResults: Int, resources: [StoredResource], edges: [String: [MemberReference]]? = nil) {
        self.totalResults = totalResults
        self.resources = resources
        self.edges = edges
    }
}
