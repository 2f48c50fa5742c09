import Foundation
import HTTPTypes
import Hummingbird

/// The absolute base URL of a channel, for `meta.location` and `Location` (RFC 7644 §3.1 wants
/// absolute URIs). A configured public URL wins; otherwise the request's `Host` is used, with the
/// scheme a reverse proxy reports in `X-Forwarded-Proto`.
enum BaseURL {
    static func of(_ request: Request, channel: String, publicURL: String? = nil) -> String {
        if let publicURL { return "\(publicURL)/scim/v2/\(channel)" }
        let host = request.head.authority ?? "localhost"
        let proto = request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" ? "https" : "http"
        return "\(proto)://\(host)/scim/v2/\(channel)"
    }
}
