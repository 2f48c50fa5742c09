package import Membership

/// The API a target speaks (`kind:`); decides the connector, the allowed auth forms and the kind-specific keys.
package enum TargetKind: String, Sendable, Hashable, CaseIterable {
    /// A generic SCIM 2.0 server (RFC 7644), group-centric.
    case scim
    /// GitHub Enterprise Managed Users, over its SCIM API.
    case githubEMU = "github-emu"
    /// Slack, over its SCIM API.
    case slack
    /// Google Workspace, over the Admin SDK Directory API; user-centric.
    case google
    /// Salesforce (workforce or communities), over the REST API; user-centric.
    case salesforce
    /// Microsoft Graph (Entra ID / Microsoft 365 groups).
    case msgraph
}

extension TargetKind {
    /// The vendor's fixed base URL, when it has one; otherwise `baseURL` is required.
    package var defaultBaseURL: String? {
        switch self {
        case .scim, .githubEMU, .salesforce: nil
        case .slack: "https://api.slack.com/scim/v2"
        case .google: "https://admin.googleapis.com"
        case .msgraph: "https://graph.microsoft.com/v1.0"
        }
    }

    /// The `removeAction`s the vendor supports (Slack's and Salesforce's users can only be deactivated).
    package var supportedUserRemovals: [UserRemoval] {
        switch self {
        case .slack, .salesforce: [.disable]
        case .scim, .githubEMU, .google, .msgraph: [.disable, .delete]
        }
    }

    /// The default `rateLimit`, below the vendor's documented limits (see docs/configuration.md).
    package var defaultRateLimit: RateLimit {
        switch self {
        case .scim: RateLimit(requestsPerMinute: 600, burst: 60)
        // GitHub's secondary limit: 900 points a minute, a write costs 5.
        case .githubEMU: RateLimit(requestsPerMinute: 180, burst: 20)
        // Slack: 180 writes a minute per endpoint with a burst of 20, shared by every SCIM app of the org.
        case .slack: RateLimit(requestsPerMinute: 180, burst: 20)
        // Google: 2,400 queries a minute per user and project; leave room for other tools.
        case .google: RateLimit(requestsPerMinute: 1200, burst: 100)
        case .salesforce: RateLimit(requestsPerMinute: 600, burst: 60)
        // Graph: 3,000 writes per 150 s per app and tenant (1,200 a minute); reads cost less.
        case .msgraph: RateLimit(requestsPerMinute: 1100, burst: 100)
        }
    }

    /// The `auth` forms this kind accepts, by the name docs/configuration.md uses.
    package var supportedAuthForms: [TargetAuth.Form] {
        switch self {
        case .scim: [.bearer, .basic, .oauthClientCredentials]
        case .githubEMU, .slack: [.bearer]
        case .google: [.googleServiceAccount]
        case .salesforce: [.salesforceJWT]
        case .msgraph: [.oauthClientCredentials, .oauthClientCertificate]
        }
    }
}
