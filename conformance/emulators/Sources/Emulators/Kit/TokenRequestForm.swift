internal import Hummingbird
internal import NIOCore

/// The body of a token request, form-encoded (RFC 6749 §4.4.2, RFC 7523 §2.1), read whatever its
/// Content-Type says, as clients do not all send one.
enum TokenRequestForm {
    /// Token requests are small; anything above this is refused.
    static let bodyLimit = 1 << 20

    static func read(_ request: Request) async throws -> QueryParameters {
        let buffer = try await request.body.collect(upTo: bodyLimit)
        return QueryParameters(String(buffer: buffer))
    }
}
