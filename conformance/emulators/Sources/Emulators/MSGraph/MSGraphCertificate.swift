internal import Crypto
internal import Foundation

/// An X.509 certificate registered on the app, known by its thumbprints: the base64url SHA-1 of its
/// DER (the `x5t` header of a client assertion) and the base64url SHA-256 (`x5t#S256`). Microsoft
/// identifies the signing certificate by these (research/targets.md §F "Certificate").
public struct MSGraphCertificate: Sendable, Hashable {
    public let sha1Thumbprint: String
    public let sha256Thumbprint: String

    /// Reads the first `CERTIFICATE` block of a PEM text; nil when there is none.
    public init?(pem: String) {
        guard let der = Self.der(pem) else { return nil }
        sha1Thumbprint = Self.base64URL(Data(Insecure.SHA1.hash(data: der)))
        sha256Thumbprint = Self.base64URL(Data(SHA256.hash(data: der)))
    }

    static func der(_ pem: String) -> Data? {
        guard let begin = pem.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = pem.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<pem.endIndex)
        else { return nil }
        let body = pem[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        return Data(base64Encoded: String(body))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
