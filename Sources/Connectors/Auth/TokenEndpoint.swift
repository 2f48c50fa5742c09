package import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
package import SCIM

/// An OAuth 2.0 token endpoint (RFC 6749 §3.2): POSTs a grant form-encoded and reads the access token
/// from the JSON answer (§5.1). The grants the connectors use (`JWTBearerGrant`, the client credentials
/// of Microsoft Graph) differ only in their form. Neither a secret, an assertion nor a token ever
/// reaches an error message.
package struct TokenEndpoint: Sendable {
    /// An access token and how long the endpoint said it lives.
    package struct Token: Sendable {
        package var accessToken: String
        /// `expires_in`; nil when the endpoint did not say (Salesforce does not).
        package var expiresIn: Duration?
        /// The whole answer, for vendor extras such as Salesforce's `instance_url`.
        package var response: JSONValue
    }

    let client: HTTPClient
    package let url: String
    let timeout: Duration

    package init(client: HTTPClient, url: String, timeout: Duration = .seconds(30)) {
        self.client = client
        self.url = url
        self.timeout = timeout
    }

    /// Exchanges the grant in `form` for an access token. A refusal (400 `invalid_grant`, 401
    /// `invalid_client`) is permanent, with the endpoint's `error` and `error_description`; 429, 5xx
    /// and transport failures are retryable.
    package func token(form: [(name: String, value: String)]) async throws(TargetError) -> Token {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let body = form.map { "\($0.name)=\(Self.formEncoded($0.value))" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: body))
        let status: Int
        let json: JSONValue?
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            status = Int(response.status.code)
            json = bytes.readableBytes > 0 ? try? JSONParser.parse(bytes.readableBytesView) : nil
        } catch {
            throw .retryable(detail: "POST \(url): \(HTTPTransport.describe(error))", after: nil)
        }
        if (200..<300).contains(status), let token = json?["access_token"]?.stringValue, !token.isEmpty {
            let expiresIn = json?["expires_in"]?.numberValue.map { Duration.milliseconds(Int64($0 * 1000)) }
            return Token(accessToken: token, expiresIn: expiresIn, response: json ?? .null)
        }
        let reason = [json?["error"]?.stringValue, json?["error_description"]?.stringValue].compactMap { $0 }.joined(
            separator: ": "
        )
        let detail = "The token endpoint \(url) answered \(status)" + (reason.isEmpty ? "" : " (\(reason))")
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
