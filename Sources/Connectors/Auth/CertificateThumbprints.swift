import Crypto
package import Foundation

/// The base64url SHA-1 and SHA-256 digests of an X.509 certificate's DER encoding: how a JWT header
/// (`x5t`, `x5t#S256`, RFC 7515 §4.1.7-8) names the certificate whose key signed it.
package struct CertificateThumbprints: Sendable, Hashable {
    package var sha1: String
    package var sha256: String

    /// The thumbprints of the first certificate in `pem` (`-----BEGIN CERTIFICATE-----`).
    package init(certificatePEM pem: String) throws(TargetError) {
        let lines = pem.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(of: "-----BEGIN CERTIFICATE-----"),
            let end = lines[begin...].firstIndex(of: "-----END CERTIFICATE-----"),
            let der = Data(base64Encoded: lines[(begin + 1)..<end].joined()), !der.isEmpty
        else {
            throw .permanent(
                status: 401,
                detail: "The certificate is not a PEM-encoded X.509 certificate (-----BEGIN CERTIFICATE-----)."
            )
        }
        sha1 = Self.base64URL(Data(Insecure.SHA1.hash(data: der)))
        sha256 = Self.base64URL(Data(SHA256.hash(data: der)))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
