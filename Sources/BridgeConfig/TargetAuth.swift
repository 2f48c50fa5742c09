/// A target's `auth:` mapping: how the bridge authenticates to the vendor. Every credential is a `Secret`.
package enum TargetAuth: Sendable, Hashable {
    /// `{ bearer: REF }`: a static token sent as `Authorization: Bearer` (RFC 6750).
    case bearer(Secret)
    /// `{ username: NAME, password: REF }`: HTTP Basic (RFC 7617).
    case basic(username: String, password: Secret)
    /// `{ clientId: REF, clientSecret: REF, tokenURL: URL, scopes: [...] }`: OAuth 2.0 client credentials
    /// (RFC 6749 §4.4).
    case oauthClientCredentials(clientId: Secret, clientSecret: Secret, tokenURL: String, scopes: [String])
    /// `{ clientId: REF, certificate: REF, privateKey: REF, tokenURL: URL, scopes: [...] }`: OAuth 2.0 client
    /// credentials proven with a certificate: a JWT client assertion (RFC 7523 §2.2) signed with the
    /// certificate's private key and naming its thumbprint, as the Microsoft identity platform takes it.
    case oauthClientCertificate(
        clientId: Secret,
        certificate: Secret,
        privateKey: Secret,
        tokenURL: String,
        scopes: [String]
    )
    /// `{ serviceAccountKey: REF, subject: EMAIL, tokenURL: URL, scopes: [...] }`: a Google service account's JSON
    /// key, signing a JWT bearer grant (RFC 7523) that impersonates `subject` (domain-wide delegation).
    case googleServiceAccount(key: Secret, subject: String, tokenURL: String, scopes: [String])
    /// `{ clientId: REF, username: NAME, privateKey: REF, tokenURL: URL, audience: URL }`: Salesforce's OAuth 2.0
    /// JWT bearer flow (RFC 7523) for a connected app's certificate.
    case salesforceJWT(clientId: Secret, username: String, privateKey: Secret, tokenURL: String, audience: String)

    /// The name of each form, as docs/configuration.md and error messages use it.
    package enum Form: String, Sendable, Hashable, CaseIterable {
        case bearer, basic, oauthClientCredentials, oauthClientCertificate, googleServiceAccount, salesforceJWT
    }

    /// This value's form.
    package var form: Form {
        switch self {
        case .bearer: .bearer
        case .basic: .basic
        case .oauthClientCredentials: .oauthClientCredentials
        case .oauthClientCertificate: .oauthClientCertificate
        case .googleServiceAccount: .googleServiceAccount
        case .salesforceJWT: .salesforceJWT
        }
    }

    /// Every secret this value holds, with its key (relative to `auth`), e.g. `("bearer", …)`.
    package var secrets: [(key: String, secret: Secret)] {
        switch self {
        case .bearer(let token): [("bearer", token)]
        case .basic(_, let password): [("password", password)]
        case .oauthClientCredentials(let id, let secret, _, _): [("clientId", id), ("clientSecret", secret)]
        case .oauthClientCertificate(let id, let certificate, let key, _, _):
            [("clientId", id), ("certificate", certificate), ("privateKey", key)]
        case .googleServiceAccount(let key, _, _, _): [("serviceAccountKey", key)]
        case .salesforceJWT(let id, _, let key, _, _): [("clientId", id), ("privateKey", key)]
        }
    }

    /// Google's token endpoint, the default `tokenURL` of `googleServiceAccount`.
    package static let googleTokenURL = "https://oauth2.googleapis.com/token"
    /// The Directory API scopes the Google connector needs: users, and groups with their members.
    package static let googleDefaultScopes = [
        "https://www.googleapis.com/auth/admin.directory.user",
        "https://www.googleapis.com/auth/admin.directory.group",
    ]
    /// Salesforce's production login endpoint, the default `tokenURL` of `salesforceJWT`.
    package static let salesforceTokenURL = "https://login.salesforce.com/services/oauth2/token"
    /// The scope of an app-only Microsoft Graph token, the default `scopes` of `msgraph`.
    package static let msgraphDefaultScopes = ["https://graph.microsoft.com/.default"]
}
