import Foundation
import Yams

extension NodeReader {
    /// The keys of each `auth` form; the first is the one that identifies the form.
    static let authKeys: [TargetAuth.Form: [String]] = [
        .bearer: ["bearer"],
        .googleServiceAccount: ["serviceAccountKey", "subject", "tokenURL", "scopes"],
        .salesforceJWT: ["privateKey", "clientId", "username", "tokenURL", "audience"],
        .oauthClientCredentials: ["clientSecret", "clientId", "tokenURL", "scopes"],
        .oauthClientCertificate: ["certificate", "clientId", "privateKey", "tokenURL", "scopes"],
        .basic: ["password", "username"],
    ]

    /// How each form is written, for messages.
    static func example(of form: TargetAuth.Form) -> String {
        switch form {
        case .bearer: "{ bearer: env:NAME }"
        case .basic: "{ username: NAME, password: env:NAME }"
        case .oauthClientCredentials: "{ clientId: env:NAME, clientSecret: env:NAME, tokenURL: URL, scopes: [...] }"
        case .oauthClientCertificate:
            "{ clientId: env:NAME, certificate: file:PATH, privateKey: file:PATH, tokenURL: URL }"
        case .googleServiceAccount: "{ serviceAccountKey: file:PATH, subject: ADMIN-EMAIL }"
        case .salesforceJWT: "{ clientId: env:NAME, username: NAME, privateKey: file:PATH }"
        }
    }

    /// A target's `auth:` mapping. The form is recognised by its identifying key, then checked against the kind.
    mutating func auth(_ node: Node, at path: String, kind: TargetKind) -> TargetAuth? {
        let supported = kind.supportedAuthForms
        let usage = supported.map { Self.example(of: $0) }.joined(separator: " or ")
        guard case .mapping(let mapping) = node else {
            report(path, "expected a mapping such as \(usage), found \(Self.describe(node, showing: false))", at: node)
            return nil
        }
        let keys = Set(mapping.keys.compactMap(\.string))
        let order: [TargetAuth.Form] = [
            .bearer, .googleServiceAccount, .oauthClientCertificate, .salesforceJWT, .oauthClientCredentials, .basic,
        ]
        guard let form = order.first(where: { keys.contains(Self.authKeys[$0]![0]) }) else {
            report(path, "cannot tell the kind of authentication; kind \(kind.rawValue) takes \(usage)", at: node)
            return nil
        }
        guard supported.contains(form) else {
            report(
                path,
                "kind \(kind.rawValue) does not take \(form.rawValue) authentication; write \(usage)",
                at: node
            )
            return nil
        }
        guard let f = fields(node, at: path, allowed: Self.authKeys[form]!) else { return nil }
        switch form {
        case .bearer:
            return secret(f, "bearer").map(TargetAuth.bearer)
        case .basic:
            let username = string(f, "username", required: true)
            let password = secret(f, "password")
            guard let username, let password else { return nil }
            return .basic(username: username, password: password)
        case .oauthClientCredentials:
            let clientId = secret(f, "clientId")
            let clientSecret = secret(f, "clientSecret")
            let tokenURL = url(f, "tokenURL", required: true)
            let scopes = strings(f, "scopes") ?? (kind == .msgraph ? TargetAuth.msgraphDefaultScopes : [])
            guard let clientId, let clientSecret, let tokenURL else { return nil }
            return .oauthClientCredentials(
                clientId: clientId,
                clientSecret: clientSecret,
                tokenURL: tokenURL,
                scopes: scopes
            )
        case .oauthClientCertificate:
            let clientId = secret(f, "clientId")
            let certificate = secret(f, "certificate")
            let privateKey = secret(f, "privateKey")
            let tokenURL = url(f, "tokenURL", required: true)
            let scopes = strings(f, "scopes") ?? (kind == .msgraph ? TargetAuth.msgraphDefaultScopes : [])
            guard let clientId, let certificate, let privateKey, let tokenURL else { return nil }
            return .oauthClientCertificate(
                clientId: clientId,
                certificate: certificate,
                privateKey: privateKey,
                tokenURL: tokenURL,
                scopes: scopes
            )
        case .googleServiceAccount:
            let key = secret(f, "serviceAccountKey")
            let subject = string(f, "subject", required: true)
            if let subject, !subject.contains("@") {
                report(
                    f.path("subject"),
                    "must be the email address of the admin to impersonate, not '\(subject)'",
                    at: f["subject"]
                )
            }
            let tokenURL = f["tokenURL"] == nil ? TargetAuth.googleTokenURL : url(f, "tokenURL")
            let scopes = strings(f, "scopes") ?? TargetAuth.googleDefaultScopes
            guard let key, let subject, subject.contains("@"), let tokenURL else { return nil }
            return .googleServiceAccount(key: key, subject: subject, tokenURL: tokenURL, scopes: scopes)
        case .salesforceJWT:
            let clientId = secret(f, "clientId")
            let username = string(f, "username", required: true)
            let privateKey = secret(f, "privateKey")
            let tokenURL = f["tokenURL"] == nil ? TargetAuth.salesforceTokenURL : url(f, "tokenURL")
            // The JWT audience is the login server: the token URL's origin unless given.
            let audience = f["audience"] == nil ? tokenURL.map(Self.origin(of:)) : url(f, "audience")
            guard let clientId, let username, let privateKey, let tokenURL, let audience else { return nil }
            return .salesforceJWT(
                clientId: clientId,
                username: username,
                privateKey: privateKey,
                tokenURL: tokenURL,
                audience: audience
            )
        }
    }

    /// `https://host[:port]` of an absolute URL.
    static func origin(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let afterScheme = url[schemeEnd.upperBound...]
        let hostEnd = afterScheme.firstIndex(of: "/") ?? url.endIndex
        return String(url[..<hostEnd])
    }
}
