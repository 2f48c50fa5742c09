import Foundation
import Hummingbird
import Membership
import SCIM
import Store

/// The OAuth 2 token endpoint for the client credentials grant (RFC 6749 §4.4), PingOne's third
/// authentication method: a channel's client id and secret buy a short-lived bearer token.
struct TokenEndpoint: Sendable {
    let authenticator: ChannelAuthenticator
    let accessTokens: AccessTokens

    func register(on router: Router<SCIMRequestContext>) {
        router.post("oauth/token") { request, _ in try await self.token(request) }
    }

    func token(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form = QueryParameters(String(buffer: body))
        var clientID = form["client_id"]
        var clientSecret = form["client_secret"]
        // RFC 6749 §2.3.1: client credentials may come in an HTTP Basic header instead.
        if let auth = request.headers[.authorization], auth.lowercased().hasPrefix("basic "),
            let data = Data(base64Encoded: String(auth.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        {
            clientID = QueryParameters.decode(pair[..<colon])
            clientSecret = QueryParameters.decode(pair[pair.index(after: colon)...])
        }
        guard form["grant_type"] == "client_credentials" else {
            return oauthError(.badRequest, "unsupported_grant_type", "Only grant_type=client_credentials is supported.")
        }
        guard let clientID, let clientSecret,
            let channel = try await authenticator.verify(
                .oauthClient,
                lookupKey: clientID,
                secret: clientSecret,
                channelName: nil
            )
        else {
            return oauthError(.unauthorized, "invalid_client", "Unknown client or wrong secret.")
        }
        let token = accessTokens.issue(channelName: channel.name)
        let json: JSONValue = [
            "access_token": .string(token), "token_type": "Bearer",
            "expires_in": .integer(Int64(accessTokens.lifetime)),
        ]
        return Response(
            status: .ok,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: json.serializedBytes()))
        )
    }

    /// RFC 6749 §5.2 error body.
    func oauthError(_ status: HTTPResponse.Status, _ code: String, _ description: String) -> Response {
        let json: JSONValue = ["error": .string(code), "error_description": .string(description)]
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        if status == .unauthorized { headers[.wwwAuthenticate] = #"Basic realm="scim-bridge""# }
        return Response(
            status: status,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: json.serializedBytes()))
        )
    }
}
