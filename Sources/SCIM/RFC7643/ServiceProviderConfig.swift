/// The service provider's announced features, RFC 7643 §5 (example in §8.5), served at
/// `/ServiceProviderConfig` (RFC 7644 §4).
public struct ServiceProviderConfig: Sendable, Hashable {
    /// The message URN of RFC 7643 §5.
    public static let schemaURN = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"

    /// Bulk limits, RFC 7644 §3.7.
    public struct Bulk: Sendable, Hashable {
        public var supported: Bool
        public var maxOperations: Int
        public var maxPayloadSize: Int
        public init(supported: Bool, maxOperations: Int, maxPayloadSize: Int) {
            self.supported = supported
            self.maxOperations = maxOperations
            self.maxPayloadSize = maxPayloadSize
        }
    }

    /// Filter support and the largest page a query returns, RFC 7644 §3.4.2.
    public struct Filter: Sendable, Hashable {
        public var supported: Bool
        public var maxResults: Int
        public init(supported: Bool, maxResults: Int) {
            self.supported = supported
            self.maxResults = maxResults
        }
    }

    /// One accepted authentication scheme, RFC 7643 §5 `authenticationSchemes`.
    public struct AuthenticationScheme: Sendable, Hashable {
        /// `oauth`, `oauth2`, `oauthbearertoken`, `httpbasic` or `httpdigest` (RFC 7643 §5).
        public var type: String
        public var name: String
        public var description: String
        public var specUri: String?
        public var documentationUri: String?
        public var primary: Bool?

        public init(
            type: String,
            name: String,
            description: String,
            specUri: String? = nil,
            documentationUri: String? = nil,
            primary: Bool? = nil
        ) {
            self.type = type
            self.name = name
            self.description = description
            self.specUri = specUri
            self.documentationUri = documentationUri
            self.primary = primary
        }

        /// A bearer token (RFC 6750), the scheme the bridge accepts.
        public static func oauthBearerToken(documentationUri: String? = nil, primary: Bool? = true) -> Self {
            AuthenticationScheme(
                type: "oauthbearertoken",
                name: "OAuth Bearer Token",
                description: "Authentication scheme using the OAuth Bearer Token Standard",
                specUri: "https://www.rfc-editor.org/info/rfc6750",
                documentationUri: documentationUri,
                primary: primary
            )
        }
    }

    public var documentationUri: String?
    public var patch: Bool
    public var bulk: Bulk
    public var filter: Filter
    public var changePassword: Bool
    public var sort: Bool
    public var etag: Bool
    public var authenticationSchemes: [AuthenticationScheme]

    public init(
        documentationUri: String? = nil,
        patch: Bool,
        bulk: Bulk,
        filter: Filter,
        changePassword: Bool,
        sort: Bool,
        etag: Bool,
        authenticationSchemes: [AuthenticationScheme]
    ) {
        self.documentationUri = documentationUri
        self.patch = patch
        self.bulk = bulk
        self.filter = filter
        self.changePassword = changePassword
        self.sort = sort
        self.etag = etag
        self.authenticationSchemes = authenticationSchemes
    }

    /// The resource; `meta.location` is `baseLocation` + `/ServiceProviderConfig`.
    public func json(baseLocation: String) -> JSONValue {
        func supported(_ b: Bool) -> JSONValue { ["supported": .bool(b)] }
        var o = JSONObject()
        o["schemas"] = .array([.string(Self.schemaURN)])
        if let documentationUri { o["documentationUri"] = .string(documentationUri) }
        o["patch"] = supported(patch)
        o["bulk"] = [
            "supported": .bool(bulk.supported),
            "maxOperations": .integer(Int64(bulk.maxOperations)),
            "maxPayloadSize": .integer(Int64(bulk.maxPayloadSize)),
        ]
        o["filter"] = ["supported": .bool(filter.supported), "maxResults": .integer(Int64(filter.maxResults))]
        o["changePassword"] = supported(changePassword)
        o["sort"] = supported(sort)
        o["etag"] = supported(etag)
        o["authenticationSchemes"] = .array(
            authenticationSchemes.map { s in
                var a = JSONObject()
                a["type"] = .string(s.type)
                a["name"] = .string(s.name)
                a["description"] = .string(s.description)
                if let u = s.specUri { a["specUri"] = .string(u) }
                if let u = s.documentationUri { a["documentationUri"] = .string(u) }
                if let p = s.primary { a["primary"] = .bool(p) }
                return .object(a)
            }
        )
        o["meta"] = [
            "resourceType": "ServiceProviderConfig",
            "location": .string(discoveryLocation(baseLocation, "ServiceProviderConfig")),
        ]
        return .object(o)
    }
}
