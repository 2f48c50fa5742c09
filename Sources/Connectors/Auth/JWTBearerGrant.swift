package import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
package import SCIM

/// The OAuth 2.0 JWT bearer grant (RFC 7523 §2.1): POSTs a signed assertion to a token endpoint,
/// form-encoded (RFC 6749 §4.1.3), and reads the access token from the JSON answer (RFC 6749 §5.1).
/// Neither the assertion nor the token ever reaches an error message.
package struct JWTBearerGrant: Sendable {
    /// An access token and how long the endpoint said it lives.
    package struct Token: Sendable {
        package var accessToken: String
        /// `expires_in`; nil when the endpoint did not say (Salesforce does not).
        package var expiresIn: Duration?
        /// The whole answer, for vendor extras such as Salesforce's `instance_url`.
        package var response: JSONValue
    }

    package static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

    let client: HTTPClient
    package let tokenURL: String
    let timeout: Duration

    package init(client: HTTPClient, tokenURL: String, timeout: Duration = .seconds(30)) {
        self.client = client
        self.tokenURL = tokenURL
        self.timeout = timeout
    }

    /// Exchanges `assertion` for an access token. A refusal (400 `invalid_grant`, 401
    /// `unauthorized_client`) is permanent; 429, 5xx and transport failures are retryable.
    package func exchange(assertion: String) async throws(TargetError) -> Token {
        var request = HTTPClientRequest(url: tokenURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let form = "grant_type=\(Self.formEncoded(Self.grantType))&assertion=\(Self.formEncoded(assertion))"
        request.body = .bytes(ByteBuffer(string: form))
        let status: Int
        let json: JSONValue?
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            status = Int(response.status.code)
            json = bytes.readableBytes > 0 ? try? JSONParser.parse(bytes.readableBytesView) : nil
        } catch {
            throw .retryable(detail: "POST \(tokenURL): \(HTTPTransport.describe(error))", after: nil)
        }
        if (200..<300).contains(status), let token = json?["access_token"]?.stringValue, !token.isEmpty {
            let expiresIn = json?["expires_in"]?.numberValue.map { Duration.milliseconds(Int64($0 * 1000)) }
            return Token(accessToken: token, expiresIn: expiresIn, response: json ?? .null)
        }
        let reason = [json?["error"]?.stringValue, json?["error_description"]?.stringValue].compactMap { $0 }.joined(
            separator: ": "
        )
        let detail = "The token endpoint \(tokenURL) answered \(status)" + (reason.isEmpty ? "" : " (\(reason))")
        if status == 429 || status >= 500 || status == 408 { throw .retryable(detail: detail, after: nil) }
        if (200..<300).contains(status) {
            throw .permanent(status: status, detail: "\(detail) without an access_token")
        }
        throw .permanent(status: status, detail: detail)
    }

    /// `application/x-www-form-urlencoded` value encoding: everything but unreserved characters escaped.
    static func formEncoded(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
