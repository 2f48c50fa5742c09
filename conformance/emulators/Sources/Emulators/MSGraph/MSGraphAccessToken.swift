internal import Foundation
internal import JWTKit

/// The access token the emulator issues: a JWT (HS256 with a key only the emulator knows) whose
/// payload carries what clients read from Microsoft's tokens: `aud` (Graph), `tid`, `appid`, the
/// app `roles` granted, `iat`, `nbf` and `exp`. The emulator also keeps every token it issued, so
/// that `expireAllTokens()` can void them.
struct MSGraphAccessToken: JWTPayload {
    var aud: String
    var iss: String
    var tid: String
    var appid: String
    var roles: [String]
    var iat: Int64
    var nbf: Int64
    var exp: Int64
    var uti: String

    static let audience = "https://graph.microsoft.com"

    func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// The signed token.
    static func issue(
        tenantID: String,
        clientID: String,
        roles: Set<String>,
        lifetime: Duration,
        signingKey: String,
        now: Date = Date()
    ) async throws -> String {
        let t = Int64(now.timeIntervalSince1970)
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: signingKey), digestAlgorithm: .sha256)
        return try await keys.sign(
            MSGraphAccessToken(
                aud: audience,
                iss: "https://sts.windows.net/\(tenantID)/",
                tid: tenantID,
                appid: clientID,
                roles: roles.sorted(),
                iat: t,
                nbf: t,
                exp: t + lifetime.components.seconds,
                uti: UUID().uuidString
            )
        )
    }
}
